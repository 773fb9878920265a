package dev.dbsync.connectivity;

/**
 * Builds the handler of a route for one strategy, e.g. a client dialing the route's endpoint.
 * Registered with {@link Router#registerTransport(String, HandlerFactory)}; the router calls it
 * when a route of that strategy appears or changes (endpoint or config), and closes the handler
 * it returned once the route no longer uses it.
 *
 * <pre>{@code
 * router.registerTransport("quic", route -> {
 *     RpcClient client = RpcClient.connect(Endpoint.parse(route.endpoint()));   // your client
 *     return ServiceHandler.withCloseHook(client::call, client);
 * });
 * }</pre>
 *
 * <p>Called by one thread at a time per router; must not call back into the router.
 */
@FunctionalInterface
public interface HandlerFactory {

    /**
     * Builds a handler for {@code route}.
     *
     * @param route the route, with its endpoint and its config (a JSON object)
     * @return the handler; never null
     * @throws Exception if no handler can be built; the route then fails its calls with
     *     {@link RouteException.Reason#FACTORY_FAILED} and is listed as a problem
     */
    ServiceHandler create(Route route) throws Exception;
}

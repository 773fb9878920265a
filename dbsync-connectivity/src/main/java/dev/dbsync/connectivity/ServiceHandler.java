package dev.dbsync.connectivity;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Serves calls to one service: maps request bytes to response bytes.
 *
 * <p>A handler built by a {@link HandlerFactory} belongs to the {@link Router}: when its route
 * is changed, removed or the router closes, the router calls {@link #close()} exactly once,
 * after the last call that started on it has returned. Handlers registered with
 * {@link Router#registerLocal} belong to the caller and are never closed by the router.
 *
 * <p>Implementations must be thread-safe: the router calls {@link #handle} concurrently.
 *
 * <pre>{@code
 * ServiceHandler echo = request -> request;
 * ServiceHandler pooled = ServiceHandler.withCloseHook(client::call, client);   // closes client
 * }</pre>
 */
@FunctionalInterface
public interface ServiceHandler extends AutoCloseable {

    /**
     * Serves one call.
     *
     * @param request the request bytes; empty when the caller passed none
     * @return the response bytes; null is read as empty
     * @throws Exception on failure; the router wraps it in a {@link RouteException} with reason
     *     {@link RouteException.Reason#HANDLER_FAILED} (a {@code DbsyncException} passes unchanged)
     */
    byte[] handle(byte[] request) throws Exception;

    /**
     * Releases what the handler holds (connections, clients). Does nothing by default.
     * A failure should be thrown unchecked; the router logs it.
     */
    @Override
    default void close() {
    }

    /**
     * A handler whose {@link #close()} runs {@code closeHook} (at most once). A checked
     * exception from the hook is rethrown wrapped in an {@link IllegalStateException}.
     *
     * @param handler serves the calls
     * @param closeHook releases what the handler holds
     * @return the handler
     */
    static ServiceHandler withCloseHook(ServiceHandler handler, AutoCloseable closeHook) {
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(closeHook, "closeHook");
        AtomicBoolean closed = new AtomicBoolean();
        return new ServiceHandler() {
            @Override
            public byte[] handle(byte[] request) throws Exception {
                return handler.handle(request);
            }

            @Override
            public void close() {
                if (!closed.compareAndSet(false, true)) {
                    return;
                }
                try {
                    closeHook.close();
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                    }
                    throw new IllegalStateException("close hook failed: " + e, e);
                }
            }
        };
    }
}

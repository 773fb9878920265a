package dev.dbsync.api.transport;

/**
 * Serves the streams peers open on a listener.
 */
@FunctionalInterface
public interface StreamHandler {

    /**
     * Serves one inbound stream. Runs on a thread of the listener's that may block for as long
     * as the exchange takes; handlers for different streams run concurrently. The transport
     * closes the stream when this returns; an exception aborts it and is logged by the
     * transport, without affecting other streams or connections.
     *
     * @param stream the stream
     * @throws Exception on any failure
     */
    void handle(InboundStream stream) throws Exception;
}

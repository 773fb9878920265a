package dev.dbsync.proxy.internal;

import org.eclipse.jetty.server.Response;

/**
 * Where an auth handler records its one-time message: the internal view of the public
 * {@code Flash} callback, so that internal code never depends on the public package.
 */
@FunctionalInterface
public interface FlashSink {
    /** Kind of a failure message. */
    String ERROR = "error";
    /** Kind of a success message. */
    String SUCCESS = "success";

    /**
     * @param response the response about to redirect
     * @param kind {@link #ERROR} or {@link #SUCCESS}
     * @param message plain text to show once
     */
    void set(Response response, String kind, String message);
}

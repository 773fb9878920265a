package dev.dbsync.proxy;

import dev.dbsync.proxy.internal.FlashSink;
import org.eclipse.jetty.server.Response;

/**
 * Records a one-time message ("flash") for the page the user is redirected to, typically in a
 * cookie or a server-side session. The auth handlers of {@link AuthProxy} call it just before
 * they send their {@code 303} redirect, so it may add headers or cookies to the response.
 *
 * <p>{@code message} is plain text, never markup: it may come from the back office and must be
 * HTML-escaped when rendered. The handlers strip control characters (CR, LF...) from it and
 * cap its length, so it is safe to put in a header once encoded for it.
 *
 * <pre>{@code
 * Flash flash = (response, kind, message) -> Response.addCookie(response,
 *         HttpCookie.build("flash", URLEncoder.encode(kind + ":" + message, UTF_8)).path("/").build());
 * }</pre>
 */
@FunctionalInterface
public interface Flash {
    /** Kind of a message telling that something failed. */
    String ERROR = FlashSink.ERROR;
    /** Kind of a message confirming that something worked. */
    String SUCCESS = FlashSink.SUCCESS;

    /**
     * Records the message on the response.
     *
     * @param response the response about to redirect
     * @param kind {@link #ERROR} or {@link #SUCCESS}
     * @param message plain text to show once
     */
    void set(Response response, String kind, String message);
}

package dev.dbsync.proxy;

import dev.dbsync.proxy.internal.BackOfficeUrl;

import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Redirects every request to the back office with {@code 307 Temporary Redirect} (so the
 * browser repeats the method and body): {@code boUrl + path [+ "?" + query]}, path and query
 * kept as received (still percent-encoded). A simpler alternative to the {@link WriteProxy}
 * when the back office is reachable from the user's browser. Thread-safe.
 *
 * <pre>{@code
 * server.setHandler(new RedirectHandler("https://bo.example.com"));
 * // POST /orders?x=1  ->  307, Location: https://bo.example.com/orders?x=1
 * }</pre>
 */
public final class RedirectHandler extends Handler.Abstract.NonBlocking {
    private final BackOfficeUrl bo;

    /**
     * @param boUrl the back office's base URL, e.g. {@code https://bo.example.com}
     * @throws IllegalArgumentException naming the URL if it cannot be parsed, is not http(s) or
     *     has no host
     */
    public RedirectHandler(String boUrl) {
        this.bo = BackOfficeUrl.parse(boUrl);
    }

    /** @return the BO base URL redirects point to */
    public String backOfficeUrl() {
        return bo.base();
    }

    /**
     * Answers {@code 307} with the BO location.
     *
     * @return always {@code true}
     */
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        HttpURI uri = request.getHttpURI();
        String path = uri.getPath() == null || uri.getPath().isEmpty() ? "/" : uri.getPath();
        String location = bo.resolve(path + (uri.getQuery() == null ? "" : "?" + uri.getQuery()));
        Response.sendRedirect(request, response, callback, HttpStatus.TEMPORARY_REDIRECT_307, location, false);
        return true;
    }

    @Override
    public String toString() {
        return "RedirectHandler{" + bo + '}';
    }
}

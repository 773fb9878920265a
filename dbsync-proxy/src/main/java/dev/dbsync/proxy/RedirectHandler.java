package dev.dbsync.proxy;

import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;

/**
 * Redirects every request to the back office with {@code 307 Temporary Redirect} (method and
 * body preserved): {@code boUrl + path [+ "?" + query]}. A simpler alternative to the write
 * proxy when the back office is reachable from the user's browser.
 *
 * <pre>{@code
 * server.setHandler(new RedirectHandler("https://bo.example.com"));
 * }</pre>
 */
public final class RedirectHandler extends Handler.Abstract.NonBlocking {
    private final String base;

    /**
     * @param boUrl the back office's base URL, e.g. {@code https://bo.example.com}
     * @throws IllegalArgumentException if the URL cannot be parsed or has no scheme or host
     */
    public RedirectHandler(String boUrl) {
        Objects.requireNonNull(boUrl, "boUrl");
        try {
            URI uri = new URI(boUrl);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException("back-office URL '" + boUrl + "' has no scheme or host");
            }
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("back-office URL '" + boUrl + "' cannot be parsed: " + e.getMessage(), e);
        }
        this.base = boUrl.endsWith("/") ? boUrl.substring(0, boUrl.length() - 1) : boUrl;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        HttpURI uri = request.getHttpURI();
        String location = base + uri.getPath() + (uri.getQuery() == null ? "" : "?" + uri.getQuery());
        Response.sendRedirect(request, response, callback, HttpStatus.TEMPORARY_REDIRECT_307, location, false);
        return true;
    }
}

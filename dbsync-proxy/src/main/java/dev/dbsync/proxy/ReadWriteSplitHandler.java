package dev.dbsync.proxy;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.util.List;
import java.util.Objects;

/**
 * Splits a front-office site by HTTP method: reads ({@code GET}, {@code HEAD}, {@code OPTIONS})
 * go to a local handler that serves from the replica, writes ({@code POST}, {@code PUT},
 * {@code PATCH}, {@code DELETE}) go to the back office, usually through a {@link WriteProxy}.
 * Any other method ({@code TRACE}, {@code CONNECT}, unknown tokens) is answered
 * {@code 405 Method Not Allowed} with an {@code Allow} header. Both handlers are managed: they
 * start and stop with this one. Thread-safe.
 *
 * <pre>{@code
 * Handler site = new ReadWriteSplitHandler(new MyReadOnlyPages(replica), new WriteProxy("http://bo:8080"));
 * server.setHandler(site);
 * }</pre>
 */
public final class ReadWriteSplitHandler extends Handler.AbstractContainer {
    private static final String ALLOW = "GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE";

    private final Handler reads;
    private final Handler writes;

    /**
     * @param reads the local handler for {@code GET}, {@code HEAD} and {@code OPTIONS}
     * @param writes the handler for {@code POST}, {@code PUT}, {@code PATCH} and {@code DELETE},
     *     usually a {@link WriteProxy}
     */
    public ReadWriteSplitHandler(Handler reads, Handler writes) {
        super(false);
        this.reads = Objects.requireNonNull(reads, "reads");
        this.writes = Objects.requireNonNull(writes, "writes");
        if (reads == writes) {
            throw new IllegalArgumentException("reads and writes must be different handlers");
        }
        addBean(reads, true);
        addBean(writes, true);
    }

    /** @return the reads handler then the writes handler */
    @Override
    public List<Handler> getHandlers() {
        return List.of(reads, writes);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        HttpMethod method = HttpMethod.fromString(request.getMethod());
        if (method != null) {
            switch (method) {
                case GET, HEAD, OPTIONS:
                    return reads.handle(request, response, callback);
                case POST, PUT, PATCH, DELETE:
                    return writes.handle(request, response, callback);
                default:
                    break;
            }
        }
        response.getHeaders().put(HttpHeader.ALLOW, ALLOW);
        Response.writeError(request, response, callback, HttpStatus.METHOD_NOT_ALLOWED_405);
        return true;
    }
}

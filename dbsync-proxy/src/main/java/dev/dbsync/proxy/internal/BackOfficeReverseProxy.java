package dev.dbsync.proxy.internal;

import dev.dbsync.api.tls.TlsSettings;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Jetty's reverse proxy pointed at one back office, with dbsync's hygiene on top of what
 * {@link ProxyHandler} already does (hop-by-hop headers dropped both ways, {@code Via} and
 * {@code Forwarded} added, bodies streamed chunk by chunk with back-pressure):
 * {@code X-Forwarded-For/-Proto/-Host} set, client-supplied forwarding headers dropped unless
 * trusted, {@code Host} set to the back office, per-request idle and total timeouts, and a
 * plain-text 502 (504 on timeout) when the back office cannot answer.
 */
public final class BackOfficeReverseProxy extends ProxyHandler.Reverse {
    private static final Logger LOG = LoggerFactory.getLogger(BackOfficeReverseProxy.class);

    /** Body of the error response sent when the back office cannot be reached. */
    public static final String UNAVAILABLE_TEXT = "Service temporarily unavailable";

    private static final List<String> FORWARDING_HEADERS = List.of(
            "Forwarded", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Port",
            "X-Forwarded-Server", "X-Real-IP");

    private final BackOfficeUrl bo;
    private final Optional<TlsSettings> tls;
    private final Duration connectTimeout;
    private final Duration idleTimeout;
    private final Duration requestTimeout;
    private final boolean trustForwardedHeaders;
    private final int maxThreads;

    /**
     * @param bo the back office
     * @param tls TLS settings for an https back office
     * @param connectTimeout connect timeout
     * @param idleTimeout per-exchange idle timeout
     * @param requestTimeout total time allowed for one exchange; zero for none
     * @param trustForwardedHeaders whether incoming forwarding headers are kept and appended to
     * @param maxThreads size of the client thread pool
     */
    public BackOfficeReverseProxy(BackOfficeUrl bo, Optional<TlsSettings> tls, Duration connectTimeout,
            Duration idleTimeout, Duration requestTimeout, boolean trustForwardedHeaders, int maxThreads) {
        super(request -> HttpURI.build(bo.resolve(request.getHttpURI().getPathQuery())));
        this.bo = bo;
        this.tls = tls;
        this.connectTimeout = connectTimeout;
        this.idleTimeout = idleTimeout;
        this.requestTimeout = requestTimeout;
        this.trustForwardedHeaders = trustForwardedHeaders;
        this.maxThreads = maxThreads;
        setProxyToServerHost(bo.authority());
        setViaHost("dbsync-proxy");
    }

    @Override
    protected HttpClient newHttpClient() {
        return BackOfficeClientFactory.create("write-proxy", bo, tls, connectTimeout, idleTimeout, maxThreads);
    }

    @Override
    protected org.eclipse.jetty.client.Request newProxyToServerRequest(Request clientToProxyRequest, HttpURI newHttpURI) {
        org.eclipse.jetty.client.Request request = super.newProxyToServerRequest(clientToProxyRequest, newHttpURI)
                .idleTimeout(idleTimeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!requestTimeout.isZero()) {
            request.timeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        return request;
    }

    @Override
    protected void addProxyHeaders(Request clientToProxyRequest, org.eclipse.jetty.client.Request proxyToServerRequest) {
        String remote = Request.getRemoteAddr(clientToProxyRequest);
        String host = clientToProxyRequest.getHeaders().get(HttpHeader.HOST);
        String proto = clientToProxyRequest.isSecure() ? "https" : "http";
        proxyToServerRequest.headers(headers -> {
            String priorFor = null;
            String priorProto = null;
            String priorHost = null;
            if (trustForwardedHeaders) {
                List<String> fors = headers.getValuesList("X-Forwarded-For");
                priorFor = fors.isEmpty() ? null : String.join(", ", fors);
                priorProto = headers.get("X-Forwarded-Proto");
                priorHost = headers.get("X-Forwarded-Host");
            } else {
                FORWARDING_HEADERS.forEach(headers::remove);
            }
            headers.put("X-Forwarded-For", priorFor == null ? remote : priorFor + ", " + remote);
            headers.put("X-Forwarded-Proto", priorProto == null ? proto : priorProto);
            if (priorHost != null) {
                headers.put("X-Forwarded-Host", priorHost);
            } else if (host != null) {
                headers.put("X-Forwarded-Host", host);
            }
        });
        super.addProxyHeaders(clientToProxyRequest, proxyToServerRequest);
    }

    @Override
    protected void onServerToProxyResponseFailure(Request clientToProxyRequest,
            org.eclipse.jetty.client.Request proxyToServerRequest, org.eclipse.jetty.client.Response serverToProxyResponse,
            Response proxyToClientResponse, Callback proxyToClientCallback, Throwable failure) {
        boolean timeout = isTimeout(failure);
        LOG.warn("back office {} did not answer {} {}: {}", bo, clientToProxyRequest.getMethod(),
                clientToProxyRequest.getHttpURI().getPath(), failure.toString());
        if (proxyToClientResponse.isCommitted()) {
            proxyToClientCallback.failed(failure);
            return;
        }
        proxyToClientResponse.reset();
        proxyToClientResponse.setStatus(timeout ? HttpStatus.GATEWAY_TIMEOUT_504 : HttpStatus.BAD_GATEWAY_502);
        proxyToClientResponse.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain;charset=utf-8");
        proxyToClientResponse.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        proxyToClientResponse.getHeaders().put(new HttpField(HttpHeader.CONNECTION, "close"));
        Content.Sink.write(proxyToClientResponse, true, UNAVAILABLE_TEXT + "\n", proxyToClientCallback);
    }

    private static boolean isTimeout(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException || t instanceof java.net.SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }
}

package dev.dbsync.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The daemons' HTTP endpoint (JDK {@code com.sun.net.httpserver}): {@code GET /status} answers
 * the daemon's status as JSON, {@code GET /metrics} the Micrometer meters in the Prometheus
 * text format. Anything else is 404, any other method 405. Owns one thread,
 * {@code dbsync-status-1}.
 */
final class StatusServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;

    private StatusServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    static StatusServer start(String host, int port, Supplier<Map<String, Object>> status,
                              PrometheusMeterRegistry registry) {
        HttpServer s;
        try {
            s = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (IOException e) {
            throw new ConfigurationException("--status-port " + port + ": cannot listen on " + host + ":" + port
                    + ": " + e.getMessage(), e);
        }
        ExecutorService ex = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "dbsync-status-1");
            t.setDaemon(true);
            return t;
        });
        s.setExecutor(ex);
        s.createContext("/", exchange -> {
            try (exchange) {
                String path = exchange.getRequestURI().getPath();
                if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                    reply(exchange, 405, "text/plain; charset=utf-8", "method not allowed\n");
                } else if ("/status".equals(path)) {
                    reply(exchange, 200, "application/json", JsonOutput.pretty(status.get()) + "\n");
                } else if ("/metrics".equals(path)) {
                    reply(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
                } else {
                    reply(exchange, 404, "text/plain; charset=utf-8", "not found: try /status or /metrics\n");
                }
            } catch (RuntimeException e) {
                // never let a failing status kill the endpoint's thread
                try {
                    reply(exchange, 500, "text/plain; charset=utf-8", "error: " + e + "\n");
                } catch (IOException | UncheckedIOException ignored) {
                    // the client is gone
                }
            }
        });
        s.start();
        return new StatusServer(s, ex);
    }

    private static void reply(HttpExchange exchange, int code, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(code, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** @return the bound port */
    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}

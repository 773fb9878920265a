package dev.dbsync.api.transport;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A host and port to dial, as written in configuration: {@code host:port} or
 * {@code [ipv6]:port}.
 *
 * @param host a host name or IP address literal (without brackets)
 * @param port a port from 1 to 65535
 */
public record Endpoint(String host, int port) {

    /**
     * Validates the fields.
     *
     * @throws IllegalArgumentException if the host is blank or the port out of range
     */
    public Endpoint {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("endpoint host is blank");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("endpoint port " + port + " is out of range 1-65535");
        }
    }

    /**
     * Parses {@code host:port} or {@code [ipv6]:port}.
     *
     * @param text the endpoint text
     * @return the endpoint
     * @throws IllegalArgumentException naming the text if it cannot be parsed
     */
    public static Endpoint parse(String text) {
        Objects.requireNonNull(text, "endpoint");
        String t = text.strip();
        int colon = t.lastIndexOf(':');
        if (colon <= 0 || colon == t.length() - 1) {
            throw new IllegalArgumentException("endpoint '" + text + "' is not host:port");
        }
        String host = t.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("endpoint '" + text + "': write IPv6 addresses as [address]:port");
        }
        int port;
        try {
            port = Integer.parseInt(t.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("endpoint '" + text + "' has a non-numeric port", e);
        }
        try {
            return new Endpoint(host, port);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("endpoint '" + text + "': " + e.getMessage(), e);
        }
    }

    /**
     * @param address a socket address
     * @return the endpoint of that address (by IP literal)
     */
    public static Endpoint of(InetSocketAddress address) {
        return new Endpoint(address.getHostString(), address.getPort());
    }

    /** @return an unresolved socket address for this endpoint */
    public InetSocketAddress toSocketAddress() {
        return InetSocketAddress.createUnresolved(host, port);
    }

    /** @return {@code host:port}, with brackets around an IPv6 literal */
    @Override
    public String toString() {
        return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }
}

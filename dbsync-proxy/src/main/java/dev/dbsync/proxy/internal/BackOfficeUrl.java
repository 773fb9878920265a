package dev.dbsync.proxy.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;

/**
 * A checked back-office base URL: {@code http} or {@code https}, a host, optionally a port and
 * a base path; no user info, query or fragment. Kept without a trailing slash so that paths
 * can be appended.
 *
 * @param base the normalised base, e.g. {@code https://bo.internal:8443} or {@code http://bo/app}
 * @param scheme {@code http} or {@code https}
 * @param host the host (IPv6 literals in brackets)
 * @param port the explicit port, or the scheme's default
 */
public record BackOfficeUrl(String base, String scheme, String host, int port) {

    /**
     * Parses and checks a back-office URL.
     *
     * @param url the URL given by the user
     * @return the checked URL
     * @throws IllegalArgumentException naming the URL when it cannot be parsed, is not
     *     http(s), has no host, or carries user info, a query or a fragment
     */
    public static BackOfficeUrl parse(String url) {
        Objects.requireNonNull(url, "back-office URL");
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("back-office URL '" + url + "' cannot be parsed: " + e.getMessage(), e);
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new IllegalArgumentException("back-office URL '" + url + "' must start with http:// or https://");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("back-office URL '" + url + "' has no host");
        }
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException(
                    "back-office URL '" + url + "' must not carry user info, a query or a fragment");
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : ("https".equals(scheme) ? 443 : 80);
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        String authority = uri.getPort() >= 0 ? uri.getHost() + ":" + uri.getPort() : uri.getHost();
        return new BackOfficeUrl(scheme + "://" + authority + path, scheme, uri.getHost(), port);
    }

    /** @return true for {@code https} */
    public boolean secure() {
        return "https".equals(scheme);
    }

    /** @return {@code host:port} as sent in the {@code Host} header */
    public String authority() {
        boolean defaultPort = port == (secure() ? 443 : 80);
        return defaultPort ? host : host + ":" + port;
    }

    /**
     * @param pathAndQuery a raw path starting with {@code /}, optionally followed by {@code ?query}
     * @return the base followed by {@code pathAndQuery}
     */
    public String resolve(String pathAndQuery) {
        return base + pathAndQuery;
    }

    @Override
    public String toString() {
        return base;
    }
}

package dev.dbsync.proxy.internal;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Decides whether a redirect target suggested by the back office may be followed: only a
 * same-site path. Accepted: {@code /} followed by printable ASCII, no backslash anywhere, not
 * {@code //} (a scheme-relative URL to another host), no scheme, no authority. Browsers strip
 * tabs and newlines and treat {@code \} like {@code /}, so any whitespace, control character or
 * backslash is refused rather than interpreted.
 */
public final class RedirectTarget {
    private static final int MAX_LENGTH = 2048;

    private RedirectTarget() {
    }

    /**
     * @param target a redirect target from the back office
     * @return true when it is a same-site absolute path that can be sent as {@code Location}
     */
    public static boolean isSameSitePath(String target) {
        if (target == null || target.isEmpty() || target.length() > MAX_LENGTH || target.charAt(0) != '/') {
            return false;
        }
        if (target.length() > 1 && (target.charAt(1) == '/' || target.charAt(1) == '\\')) {
            return false;
        }
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '\\') {
                return false;
            }
        }
        try {
            URI uri = new URI(target);
            return uri.getScheme() == null && uri.getRawAuthority() == null && uri.getRawPath() != null
                    && uri.getRawPath().startsWith("/");
        } catch (URISyntaxException e) {
            return false;
        }
    }
}

package dev.dbsync.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.net.URI;

class RedirectTargetProperties {
    private static final URI SITE = URI.create("https://fo.example/base/page");

    /** Whatever is accepted stays on the front office's own origin when a browser resolves it. */
    @Property(tries = 2000)
    void acceptedTargetsStayOnTheSite(@ForAll("targets") String target) {
        if (RedirectTarget.isSameSitePath(target)) {
            URI resolved = SITE.resolve(target);
            assertThat(resolved.getScheme()).isEqualTo("https");
            assertThat(resolved.getRawAuthority()).isEqualTo("fo.example");
            assertThat(target).startsWith("/").doesNotStartWith("//").doesNotContain("\\");
        }
    }

    @Provide
    Arbitrary<String> targets() {
        Arbitrary<String> pieces = Arbitraries.of("/", "//", "\\", "/\\", "http:", "https://", "javascript:", "evil.example",
                "@", ":", "?", "#", "%2F", "%5C", "\t", "\r\n", " ", "a", "b/c", "..", ".", "\u00e9", "\u3000");
        return pieces.list().ofMinSize(1).ofMaxSize(8).map(l -> String.join("", l));
    }

    @Example
    void acceptsPlainPaths() {
        for (String ok : new String[] {"/", "/dashboard", "/a/b?c=d&e=%2F#top", "/x:y", "/%2F%2Fevil"}) {
            assertThat(RedirectTarget.isSameSitePath(ok)).as(ok).isTrue();
        }
    }

    @Example
    void refusesEverythingElse() {
        for (String bad : new String[] {"", "//evil", "/\\evil", "\\/evil", "https://evil", "HTTP://evil",
            "javascript:alert(1)", "evil/x", "/\t/evil", "/a b", "/\u00e9", "/ok\r\nX: y", " /x", "/a\\b"}) {
            assertThat(RedirectTarget.isSameSitePath(bad)).as(bad).isFalse();
        }
        assertThat(RedirectTarget.isSameSitePath(null)).isFalse();
        assertThat(RedirectTarget.isSameSitePath("/" + "a".repeat(3000))).isFalse();
    }
}

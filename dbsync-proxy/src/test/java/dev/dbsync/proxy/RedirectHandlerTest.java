package dev.dbsync.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedirectHandlerTest {
    @Test
    void redirectsWith307ToTheBackOfficeKeepingPathAndQuery() throws Exception {
        HttpClient client = new HttpClient();
        client.setFollowRedirects(false);
        client.start();
        try (LocalServer fo = LocalServer.start("fo", new RedirectHandler("https://bo.example.com:8443/"))) {
            ContentResponse post = client.newRequest(fo.url() + "/orders/a%20b?x=1&y=%20z").method("POST")
                    .timeout(10, TimeUnit.SECONDS).send();
            assertThat(post.getStatus()).isEqualTo(307);
            assertThat(post.getHeaders().get("Location")).isEqualTo("https://bo.example.com:8443/orders/a%20b?x=1&y=%20z");

            ContentResponse get = client.newRequest(fo.url() + "/").timeout(10, TimeUnit.SECONDS).send();
            assertThat(get.getStatus()).isEqualTo(307);
            assertThat(get.getHeaders().get("Location")).isEqualTo("https://bo.example.com:8443/");
        } finally {
            client.stop();
        }
    }

    @Test
    void keepsTheBackOfficeBasePath() throws Exception {
        HttpClient client = new HttpClient();
        client.setFollowRedirects(false);
        client.start();
        try (LocalServer fo = LocalServer.start("fo", new RedirectHandler("http://bo.internal/app"))) {
            ContentResponse r = client.newRequest(fo.url() + "/login").timeout(10, TimeUnit.SECONDS).send();
            assertThat(r.getHeaders().get("Location")).isEqualTo("http://bo.internal/app/login");
        } finally {
            client.stop();
        }
    }

    @Test
    void rejectsUnusableUrlsNamingThem() {
        for (String bad : new String[] {"", "bo.example.com", "mailto:x@y", "https://", "http://bo/?a=b#c"}) {
            assertThatThrownBy(() -> new RedirectHandler(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'" + bad + "'");
        }
    }
}

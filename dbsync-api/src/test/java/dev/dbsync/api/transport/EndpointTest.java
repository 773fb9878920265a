package dev.dbsync.api.transport;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EndpointTest {

    @Test
    void parsesHostPortAndBracketedIpv6() {
        assertThat(Endpoint.parse("10.0.0.2:9443")).isEqualTo(new Endpoint("10.0.0.2", 9443));
        assertThat(Endpoint.parse("fo.example.com:1")).isEqualTo(new Endpoint("fo.example.com", 1));
        Endpoint v6 = Endpoint.parse("[::1]:9443");
        assertThat(v6.host()).isEqualTo("::1");
        assertThat(v6).hasToString("[::1]:9443");
    }

    @Test
    void rejectsMalformedEndpointsNamingThem() {
        for (String bad : new String[] {"", "host", "host:", ":9443", "::1:9443", "h:0", "h:65536", "h:abc"}) {
            assertThatThrownBy(() -> Endpoint.parse(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'" + bad + "'");
        }
    }

    @Test
    void optionsHaveTheDocumentedDefaultsAndValidate() {
        TransportOptions d = TransportOptions.defaults();
        assertThat(d.idleTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(d.keepAlive()).isEqualTo(Duration.ofSeconds(30));
        assertThat(d.streamWindow()).isEqualTo(16L << 20);
        assertThat(d.toBuilder().maxConnections(3).build().maxConnections()).isEqualTo(3);
        assertThatThrownBy(() -> TransportOptions.builder().idleTimeout(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("idleTimeout");
        assertThatThrownBy(() -> TransportOptions.builder().streamWindow(1024).build())
                .isInstanceOf(IllegalArgumentException.class);
    }
}

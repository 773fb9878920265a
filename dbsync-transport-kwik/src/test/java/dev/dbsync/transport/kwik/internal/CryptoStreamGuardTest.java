package dev.dbsync.transport.kwik.internal;

import org.junit.jupiter.api.Test;
import tech.kwik.core.QuicClientConnection;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dialer's connections send their TLS data from synchronized lists (kwik 0.10.8 shares a plain
 * {@code ArrayList} between its receiver and sender threads; see {@link CryptoStreamGuard}). The
 * race itself is rare (7 times in about 4,700 mutual-TLS dials on a 2-core machine); the rogue-then-good
 * rounds of dbsync-it's {@code TransportInteropIT} exercise it.
 */
class CryptoStreamGuardTest {

    private static QuicClientConnection unconnected() throws IOException {
        return QuicClientConnection.newBuilder()
                .host("127.0.0.1")
                .port(9)
                .applicationProtocol("dbsync/1")
                .logger(Slf4jKwikLogger.INSTANCE)
                .noServerCertificateCheck()
                .customTrustManager(InsecureTrustManager.INSTANCE)
                .build();
    }

    @Test
    void isAvailableWhereKwikIsOpenToTheTransport() {
        // the module-path test run opens kwik's packages (pom: surefire.extraArgLine), as an application must
        assertThat(CryptoStreamGuard.available()).as("start the JVM with %s", CryptoStreamGuard.ADD_OPENS).isTrue();
    }

    @Test
    void replacesTheSendBuffersOfAConnectionNotYetConnected() throws IOException {
        QuicClientConnection c = unconnected();
        assertThat(CryptoStreamGuard.isGuarded(c)).isFalse();
        long before = CryptoStreamGuard.guarded();
        assertThat(CryptoStreamGuard.guard(c)).isTrue();
        assertThat(CryptoStreamGuard.isGuarded(c)).isTrue();
        assertThat(CryptoStreamGuard.guarded()).isEqualTo(before + 1);
    }
}

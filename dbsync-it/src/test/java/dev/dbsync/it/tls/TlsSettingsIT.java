package dev.dbsync.it.tls;

import dev.dbsync.api.TlsConfigException;
import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.testkit.TestPki;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * TlsSettings with real certificates: each factory yields material that completes (or
 * refuses) a real TLS 1.3 handshake over loopback, and bad material fails at build time with
 * the file named.
 */
class TlsSettingsIT {
    @TempDir
    static Path dir;
    static TestPki pki;
    static TestPki otherPki;

    @BeforeAll
    static void pki() {
        pki = TestPki.create(dir.resolve("pki"), "test-ca");
        otherPki = TestPki.create(dir.resolve("other"), "other-ca");
    }

    private static SSLContext context(TlsSettings s) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(s.hasCertificate() ? s.keyManagerFactory().getKeyManagers() : null,
                s.trustedCertificates().isEmpty() ? null : s.trustManagerFactory().getTrustManagers(), null);
        return ctx;
    }

    /** Runs one handshake + one byte each way; returns normally only if both sides agree. */
    private static void handshake(TlsSettings server, TlsSettings client) throws Exception {
        try (SSLServerSocket ss = (SSLServerSocket) context(server).getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ss.setNeedClientAuth(server.requireClientCertificate());
            ss.setSoTimeout(10_000);
            CompletableFuture<Void> serverSide = CompletableFuture.runAsync(() -> {
                try (SSLSocket s = (SSLSocket) ss.accept()) {
                    s.setSoTimeout(10_000);
                    InputStream in = s.getInputStream();
                    int b = in.read();
                    OutputStream out = s.getOutputStream();
                    out.write(b + 1);
                    out.flush();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            try (SSLSocket c = (SSLSocket) context(client).getSocketFactory().createSocket()) {
                c.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), ss.getLocalPort()), 10_000);
                c.setSoTimeout(10_000);
                SSLParameters p = c.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS");
                c.setSSLParameters(p);
                c.getOutputStream().write(41);
                c.getOutputStream().flush();
                assertThat(c.getInputStream().read()).isEqualTo(42);
                assertThat(c.getSession().getProtocol()).isEqualTo("TLSv1.3");
            }
            serverSide.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void selfSignedServerPairIsTrustedBothWays() throws Exception {
        TestPki.Issued fo = pki.server("fo-self");
        TlsSettings server = TlsSettings.server(fo.certFile(), fo.keyFile());
        assertThat(server.trustedCertificates()).isNotEmpty();
        assertThat(server.certificateChain()).hasSize(2);
        handshake(server, TlsSettings.clientWithCa(pki.caFile()));
    }

    @Test
    void mutualTlsAcceptsAClientFromTheCaAndRefusesOthers() throws Exception {
        TestPki.Issued fo = pki.server("fo-mutual");
        TestPki.Issued bo = pki.client("bo");
        TestPki.Issued rogue = otherPki.client("rogue");
        TlsSettings server = TlsSettings.mutualServer(fo.certFile(), fo.keyFile(), pki.caFile());
        assertThat(server.requireClientCertificate()).isTrue();
        handshake(server, TlsSettings.mutualClient(pki.caFile(), bo.certFile(), bo.keyFile()));
        assertThatThrownBy(() -> handshake(server, TlsSettings.mutualClient(pki.caFile(), rogue.certFile(), rogue.keyFile())))
                .isInstanceOfAny(SSLException.class, IOException.class, java.util.concurrent.ExecutionException.class);
        assertThatThrownBy(() -> handshake(server, TlsSettings.clientWithCa(pki.caFile())))
                .isInstanceOfAny(SSLException.class, IOException.class, java.util.concurrent.ExecutionException.class);
    }

    @Test
    void aClientPinningAnotherCaRefusesTheServer() {
        TestPki.Issued fo = pki.server("fo-pinned");
        TlsSettings server = TlsSettings.server(fo.certFile(), fo.keyFile());
        assertThatThrownBy(() -> handshake(server, TlsSettings.clientWithCa(otherPki.caFile())))
                .isInstanceOf(SSLException.class);
    }

    @Test
    void rsaKeysWorkToo() throws Exception {
        TestPki.Issued fo = pki.issue("fo-rsa", true, TestPki.KeyType.RSA, Instant.now().minus(Duration.ofHours(1)),
                Duration.ofDays(30), "localhost");
        handshake(TlsSettings.server(fo.certFile(), fo.keyFile()), TlsSettings.clientWithCa(pki.caFile()));
    }

    @Test
    void refusesAKeyThatDoesNotMatchTheCertificate() {
        TestPki.Issued a = pki.server("a");
        TestPki.Issued b = pki.server("b");
        assertThatThrownBy(() -> TlsSettings.server(a.certFile(), b.keyFile()))
                .isInstanceOf(TlsConfigException.class)
                .hasMessageContaining(b.keyFile().toString()).hasMessageContaining("does not match certificate 'CN=a'");
        TestPki.Issued rsa = pki.issue("r", true, TestPki.KeyType.RSA, Instant.now().minus(Duration.ofHours(1)),
                Duration.ofDays(30), "localhost");
        assertThatThrownBy(() -> TlsSettings.server(a.certFile(), rsa.keyFile()))
                .isInstanceOf(TlsConfigException.class).hasMessageContaining("RSA key, EC certificate");
    }

    @Test
    void refusesExpiredAndNotYetValidCertificates() {
        TestPki.Issued expired = pki.issue("old", true, TestPki.KeyType.EC, Instant.now().minus(Duration.ofDays(10)),
                Duration.ofDays(1), "localhost");
        assertThatThrownBy(() -> TlsSettings.server(expired.certFile(), expired.keyFile()))
                .isInstanceOf(TlsConfigException.class)
                .hasMessageContaining(expired.certFile().toString()).hasMessageContaining("expired on");
        TestPki.Issued future = pki.issue("future", true, TestPki.KeyType.EC, Instant.now().plus(Duration.ofDays(10)),
                Duration.ofDays(1), "localhost");
        assertThatThrownBy(() -> TlsSettings.server(future.certFile(), future.keyFile()))
                .isInstanceOf(TlsConfigException.class).hasMessageContaining("not valid before");
    }

    @Test
    void refusesAKeyFileGivenAsCertificate() throws IOException {
        TestPki.Issued fo = pki.server("swap");
        assertThatThrownBy(() -> TlsSettings.server(fo.keyFile(), fo.certFile()))
                .isInstanceOf(TlsConfigException.class)
                .hasMessageContaining(fo.keyFile().toString()).hasMessageContaining("no CERTIFICATE block");
        Path unreadable = Files.writeString(dir.resolve("empty.pem"), "");
        assertThatThrownBy(() -> TlsSettings.clientWithCa(unreadable))
                .isInstanceOf(TlsConfigException.class).hasMessageContaining("not PEM");
    }
}

package dev.dbsync.transport.kwik.internal;

import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.testkit.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerIdentityTrustManagerTest {

    @Test
    void matchesDnsNamesCaseInsensitivelyAndWildcardsOnOneLabel() {
        assertThat(ServerIdentityTrustManager.dnsMatches("LocalHost", "localhost")).isTrue();
        assertThat(ServerIdentityTrustManager.dnsMatches("fo.example.com", "*.example.com")).isTrue();
        assertThat(ServerIdentityTrustManager.dnsMatches("a.fo.example.com", "*.example.com")).isFalse();
        assertThat(ServerIdentityTrustManager.dnsMatches("example.com", "*.example.com")).isFalse();
        assertThat(ServerIdentityTrustManager.dnsMatches("fo.com", "*.com")).isFalse();
        assertThat(ServerIdentityTrustManager.dnsMatches("evil.com", "localhost")).isFalse();
    }

    @Test
    void checksIpLiteralsAgainstIpSansOnly(@TempDir Path dir) throws Exception {
        TestPki pki = TestPki.create(dir, "ca");
        X509Certificate localhost = pki.server("fo").certificate();
        assertThatCode(() -> ServerIdentityTrustManager.checkHost(localhost, "127.0.0.1")).doesNotThrowAnyException();
        assertThatCode(() -> ServerIdentityTrustManager.checkHost(localhost, "::1")).doesNotThrowAnyException();
        assertThatCode(() -> ServerIdentityTrustManager.checkHost(localhost, "localhost")).doesNotThrowAnyException();
        assertThatThrownBy(() -> ServerIdentityTrustManager.checkHost(localhost, "127.0.0.2"))
                .isInstanceOf(CertificateException.class).hasMessageContaining("not valid for 127.0.0.2");
        X509Certificate other = pki.issue("other", true, TestPki.KeyType.EC, Instant.now().minusSeconds(60),
                Duration.ofDays(1), "other.example").certificate();
        assertThatThrownBy(() -> ServerIdentityTrustManager.checkHost(other, "127.0.0.1"))
                .isInstanceOf(CertificateException.class);
        assertThatThrownBy(() -> ServerIdentityTrustManager.checkHost(other, "localhost"))
                .isInstanceOf(CertificateException.class);
    }

    @Test
    void verifiesEcdsaChainsWhateverAuthTypeKwikPasses(@TempDir Path dir) {
        TestPki pki = TestPki.create(dir, "ca");
        TestPki.Issued fo = pki.server("fo");
        ServerIdentityTrustManager tm = new ServerIdentityTrustManager(TlsSettings.clientWithCa(pki.caFile()), "localhost");
        X509Certificate[] chain = {fo.certificate(), pki.caCertificate()};
        assertThatCode(() -> tm.checkServerTrusted(chain, "RSA")).doesNotThrowAnyException();
        TestPki rogue = TestPki.create(dir.resolve("rogue"), "rogue");
        X509Certificate[] rogueChain = {rogue.server("fo").certificate(), rogue.caCertificate()};
        assertThatThrownBy(() -> tm.checkServerTrusted(rogueChain, "RSA")).isInstanceOf(CertificateException.class);
        TestPki.Issued client = pki.client("bo");
        assertThatThrownBy(() -> tm.checkServerTrusted(new X509Certificate[] {client.certificate()}, "RSA"))
                .as("a client certificate is not a server certificate")
                .isInstanceOf(CertificateException.class);
    }
}

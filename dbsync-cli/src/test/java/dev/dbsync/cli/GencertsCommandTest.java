package dev.dbsync.cli;

import dev.dbsync.api.tls.TlsSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class GencertsCommandTest {
    @TempDir
    Path dir;

    @Test
    void writesACaAndServerAndClientCertificatesThatTlsSettingsAccept() throws Exception {
        CliRun r = CliRun.of("gencerts", "--out", dir.toString());
        assertThat(r.code()).as(r.err()).isZero();
        for (String f : new String[] {"ca.pem", "server.pem", "server.key", "client.pem", "client.key"}) {
            assertThat(dir.resolve(f)).isNotEmptyFile();
        }
        TlsSettings server = TlsSettings.mutualServer(dir.resolve("server.pem"), dir.resolve("server.key"),
                dir.resolve("ca.pem"));
        TlsSettings client = TlsSettings.mutualClient(dir.resolve("ca.pem"), dir.resolve("client.pem"),
                dir.resolve("client.key"));
        assertThat(server.certificateChain().get(0).getIssuerX500Principal())
                .isEqualTo(client.trustedCertificates().get(0).getSubjectX500Principal());
        assertThat(server.certificateChain().get(0).getSubjectAlternativeNames().toString())
                .contains("localhost").contains("127.0.0.1");
        server.certificateChain().get(0).verify(client.trustedCertificates().get(0).getPublicKey());
        client.certificateChain().get(0).verify(server.trustedCertificates().get(0).getPublicKey());
    }

    @Test
    void refusesToOverwriteWithoutForce() {
        assertThat(CliRun.of("gencerts", "--out", dir.toString()).code()).isZero();
        CliRun again = CliRun.of("gencerts", "--out", dir.toString());
        assertThat(again.code()).isEqualTo(2);
        assertThat(again.err()).contains("exists").contains("--force");
        assertThat(CliRun.of("gencerts", "--out", dir.toString(), "--force").code()).isZero();
    }

    @Test
    void issuesTheServerCertificateForAnotherHostName() throws Exception {
        assertThat(CliRun.of("gencerts", "--out", dir.toString(), "--host", "fo1.internal").code()).isZero();
        TlsSettings s = TlsSettings.server(dir.resolve("server.pem"), dir.resolve("server.key"));
        assertThat(s.certificateChain().get(0).getSubjectAlternativeNames().toString()).contains("fo1.internal");
    }
}

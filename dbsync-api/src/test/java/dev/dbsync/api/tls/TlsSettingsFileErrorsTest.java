package dev.dbsync.api.tls;

import dev.dbsync.api.TlsConfigException;
import dev.dbsync.api.internal.Pem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Errors that need no real certificate; the certificate cases live in dbsync-it (TlsSettingsIT). */
class TlsSettingsFileErrorsTest {
    @TempDir
    Path dir;

    @Test
    void namesAMissingFile() {
        Path missing = dir.resolve("nope.pem");
        assertThatThrownBy(() -> TlsSettings.clientWithCa(missing))
                .isInstanceOf(TlsConfigException.class)
                .hasMessageContaining(missing.toString()).hasMessageContaining("does not exist")
                .satisfies(e -> assertThat(((TlsConfigException) e).source()).isEqualTo(missing.toString()));
    }

    @Test
    void namesAFileThatIsNotPem() throws IOException {
        Path notPem = Files.writeString(dir.resolve("ca.pem"), "hello");
        assertThatThrownBy(() -> TlsSettings.clientWithCa(notPem))
                .isInstanceOf(TlsConfigException.class).hasMessageContaining("not PEM");
        Path binary = Files.write(dir.resolve("ca.der"), new byte[] {0x30, (byte) 0x82, (byte) 0xFF});
        assertThatThrownBy(() -> TlsSettings.clientWithCa(binary))
                .isInstanceOf(TlsConfigException.class).hasMessageContaining(binary.toString());
    }

    @Test
    void explainsHowToConvertPkcs1AndEncryptedKeys() {
        String pkcs1 = "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n";
        assertThatThrownBy(() -> Pem.privateKey(pkcs1, "k.pem"))
                .isInstanceOf(TlsConfigException.class).hasMessageStartingWith("k.pem: ")
                .hasMessageContaining("PKCS#1").hasMessageContaining("openssl pkcs8 -topk8");
        String encrypted = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n";
        assertThatThrownBy(() -> Pem.privateKey(encrypted, "e.pem"))
                .isInstanceOf(TlsConfigException.class).hasMessageContaining("encrypted keys are not supported");
        String garbage = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
        assertThatThrownBy(() -> Pem.privateKey(garbage, "g.pem"))
                .isInstanceOf(TlsConfigException.class).hasMessageContaining("unsupported or corrupt");
    }

    @Test
    void insecureClientIsExplicitAndNeverCombinedWithPinning() {
        TlsSettings insecure = TlsSettings.insecureClient();
        assertThat(insecure.insecureSkipVerify()).isTrue();
        assertThat(insecure.hasCertificate()).isFalse();
        assertThat(insecure.toString()).contains("INSECURE");
        assertThat(TlsSettings.builder().build().insecureSkipVerify()).isFalse();
        assertThatThrownBy(() -> TlsSettings.builder().requireClientCertificate(true).build())
                .isInstanceOf(TlsConfigException.class).hasMessageContaining("no CA");
    }
}

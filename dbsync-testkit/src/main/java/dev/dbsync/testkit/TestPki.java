package dev.dbsync.testkit;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A throw-away certificate authority for tests and development: it issues server and client
 * certificates and writes them as PEM files (certificates) and PKCS#8 PEM files (keys).
 *
 * <pre>{@code
 * TestPki pki = TestPki.create(dir, "test-ca");
 * TestPki.Issued server = pki.server("fo");       // SAN localhost, 127.0.0.1, ::1
 * TestPki.Issued client = pki.client("bo");
 * Path ca = pki.caFile();
 * }</pre>
 */
public final class TestPki {
    /** Kind of key to generate. */
    public enum KeyType {
        /** ECDSA on P-256. */
        EC,
        /** RSA 2048. */
        RSA
    }

    /**
     * An issued certificate and its files.
     *
     * @param certificate the certificate
     * @param key its private key
     * @param certFile PEM file holding the certificate followed by the CA (a chain)
     * @param keyFile PKCS#8 PEM file holding the key
     */
    public record Issued(X509Certificate certificate, PrivateKey key, Path certFile, Path keyFile) {
    }

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    private final Path dir;
    private final KeyPair caKeys;
    private final X509Certificate caCert;
    private final Path caFile;

    private TestPki(Path dir, KeyPair caKeys, X509Certificate caCert, Path caFile) {
        this.dir = dir;
        this.caKeys = caKeys;
        this.caCert = caCert;
        this.caFile = caFile;
    }

    /**
     * Creates a CA valid from one hour ago for ten years, and writes {@code <name>.pem}.
     *
     * @param dir where to write files
     * @param name the CA's common name and file prefix
     * @return the PKI
     */
    public static TestPki create(Path dir, String name) {
        try {
            Files.createDirectories(dir);
            KeyPair keys = generate(KeyType.EC);
            Instant now = Instant.now();
            X500Name subject = new X500Name("CN=" + name);
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, nextSerial(),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(3650))),
                    subject, keys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            X509Certificate ca = sign(b, keys.getPrivate());
            Path caFile = dir.resolve(name + ".pem");
            Files.writeString(caFile, pem("CERTIFICATE", ca.getEncoded()), StandardCharsets.US_ASCII);
            return new TestPki(dir, keys, ca, caFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the CA certificate */
    public X509Certificate caCertificate() {
        return caCert;
    }

    /** @return the CA certificate's PEM file */
    public Path caFile() {
        return caFile;
    }

    /**
     * Issues a server certificate for localhost, 127.0.0.1 and ::1, valid now.
     *
     * @param name common name and file prefix
     * @return the certificate and its files
     */
    public Issued server(String name) {
        return issue(name, true, KeyType.EC, Instant.now().minus(Duration.ofHours(1)), Duration.ofDays(825), "localhost");
    }

    /**
     * Issues a client certificate, valid now.
     *
     * @param name common name and file prefix
     * @return the certificate and its files
     */
    public Issued client(String name) {
        return issue(name, false, KeyType.EC, Instant.now().minus(Duration.ofHours(1)), Duration.ofDays(825), "localhost");
    }

    /**
     * Issues a certificate with full control, e.g. an expired one or one for another host name.
     *
     * @param name common name and file prefix
     * @param server true for a server certificate, false for a client one
     * @param keyType the key type
     * @param notBefore start of validity
     * @param validity length of validity
     * @param dnsName the DNS subject alternative name (IP SANs 127.0.0.1 and ::1 are added
     *     only when it is "localhost")
     * @return the certificate and its files
     */
    public Issued issue(String name, boolean server, KeyType keyType, Instant notBefore, Duration validity, String dnsName) {
        try {
            KeyPair keys = generate(keyType);
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(caCert, nextSerial(),
                    Date.from(notBefore), Date.from(notBefore.plus(validity)), new X500Name("CN=" + name),
                    keys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                    server ? KeyPurposeId.id_kp_serverAuth : KeyPurposeId.id_kp_clientAuth));
            GeneralNames sans = "localhost".equals(dnsName)
                    ? new GeneralNames(new GeneralName[] {new GeneralName(GeneralName.dNSName, dnsName),
                        new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                        new GeneralName(GeneralName.iPAddress, "::1")})
                    : new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName));
            b.addExtension(Extension.subjectAlternativeName, false, sans);
            X509Certificate cert = sign(b, caKeys.getPrivate());
            Path certFile = dir.resolve(name + ".pem");
            Path keyFile = dir.resolve(name + ".key");
            Files.writeString(certFile, pem("CERTIFICATE", cert.getEncoded()) + pem("CERTIFICATE", caCert.getEncoded()),
                    StandardCharsets.US_ASCII);
            Files.writeString(keyFile, pem("PRIVATE KEY", keys.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
            return new Issued(cert, keys.getPrivate(), certFile, keyFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param type PEM block type, e.g. "CERTIFICATE"
     * @param der the DER bytes
     * @return the PEM text
     */
    public static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static BigInteger nextSerial() {
        return BigInteger.valueOf(SERIAL.incrementAndGet());
    }

    private static KeyPair generate(KeyType type) throws GeneralSecurityException {
        if (type == KeyType.RSA) {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        }
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signer)
            throws OperatorCreationException, GeneralSecurityException {
        String algorithm = "RSA".equals(signer.getAlgorithm()) ? "SHA256withRSA" : "SHA256withECDSA";
        ContentSigner cs = new JcaContentSignerBuilder(algorithm).build(signer);
        return new JcaX509CertificateConverter().getCertificate(b.build(cs));
    }
}

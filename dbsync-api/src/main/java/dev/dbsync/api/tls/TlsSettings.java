package dev.dbsync.api.tls;

import dev.dbsync.api.TlsConfigException;
import dev.dbsync.api.internal.Pem;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Transport-neutral TLS settings: this side's certificate chain and key, the certificates it
 * trusts as roots, whether a listener requires client certificates, and the development-only
 * switch that turns server verification off.
 *
 * <p>All material is parsed and checked when the settings are built, so a missing file, a
 * file that is not PEM, an expired certificate or a key that does not match its certificate
 * fails at once with a {@link TlsConfigException} naming the file. Only TLS 1.3 is used by
 * the transports. Instances are immutable and thread-safe.
 *
 * <pre>{@code
 * // front office (listener): requires publishers to present a certificate from our CA
 * TlsSettings fo = TlsSettings.mutualServer(Path.of("fo.pem"), Path.of("fo.key"), Path.of("ca.pem"));
 * // back office (dialer): pins the CA and presents its own certificate
 * TlsSettings bo = TlsSettings.mutualClient(Path.of("ca.pem"), Path.of("bo.pem"), Path.of("bo.key"));
 * }</pre>
 */
public final class TlsSettings {
    private static final char[] STORE_PASSWORD = "dbsync".toCharArray();

    private final List<X509Certificate> certificateChain;
    private final PrivateKey privateKey;
    private final List<X509Certificate> trustedCertificates;
    private final boolean requireClientCertificate;
    private final boolean insecureSkipVerify;
    private final String description;

    private TlsSettings(Builder b) {
        this.certificateChain = List.copyOf(b.chain);
        this.privateKey = b.key;
        this.trustedCertificates = List.copyOf(b.trusted);
        this.requireClientCertificate = b.requireClientCertificate;
        this.insecureSkipVerify = b.insecureSkipVerify;
        this.description = b.description();
    }

    /**
     * A listener's settings from a PEM certificate (chain) and PKCS#8 key. The certificate is
     * also trusted as a root, so the same self-signed pair works for a dialer too.
     *
     * @param certificateChainPem the certificate chain file, leaf first
     * @param privateKeyPem the PKCS#8 private key file
     * @return the settings
     * @throws TlsConfigException naming the file at fault
     */
    public static TlsSettings server(Path certificateChainPem, Path privateKeyPem) {
        return builder().certificate(certificateChainPem, privateKeyPem)
                .trustedCertificates(certificateChainPem).build();
    }

    /**
     * A listener's settings that require every client to present a certificate signed by
     * {@code clientCaPem} (mutual TLS).
     *
     * @param certificateChainPem this listener's certificate chain file
     * @param privateKeyPem its PKCS#8 private key file
     * @param clientCaPem the CA that signs the publishers' certificates
     * @return the settings
     * @throws TlsConfigException naming the file at fault
     */
    public static TlsSettings mutualServer(Path certificateChainPem, Path privateKeyPem, Path clientCaPem) {
        return builder().certificate(certificateChainPem, privateKeyPem)
                .trustedCertificates(clientCaPem).requireClientCertificate(true).build();
    }

    /**
     * A dialer's settings that trust only servers whose certificate is signed by {@code caPem}.
     *
     * @param caPem the CA certificate file to pin
     * @return the settings
     * @throws TlsConfigException naming the file at fault
     */
    public static TlsSettings clientWithCa(Path caPem) {
        return builder().trustedCertificates(caPem).build();
    }

    /**
     * A dialer's settings that pin {@code caPem} and present a client certificate, for
     * listeners that require mutual TLS.
     *
     * @param caPem the CA certificate file to pin
     * @param certificateChainPem this dialer's certificate chain file
     * @param privateKeyPem its PKCS#8 private key file
     * @return the settings
     * @throws TlsConfigException naming the file at fault
     */
    public static TlsSettings mutualClient(Path caPem, Path certificateChainPem, Path privateKeyPem) {
        return builder().trustedCertificates(caPem).certificate(certificateChainPem, privateKeyPem).build();
    }

    /**
     * A dialer's settings that accept any server certificate. For local development only:
     * anyone on the path can impersonate the subscriber. Transports log a warning each time
     * these settings are used.
     *
     * @return the settings
     */
    public static TlsSettings insecureClient() {
        return builder().insecureSkipVerify(true).build();
    }

    /** @return a new empty builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return this side's certificate chain, leaf first; empty when it presents none */
    public List<X509Certificate> certificateChain() {
        return certificateChain;
    }

    /** @return this side's private key, when it presents a certificate */
    public Optional<PrivateKey> privateKey() {
        return Optional.ofNullable(privateKey);
    }

    /** @return true when this side presents a certificate */
    public boolean hasCertificate() {
        return privateKey != null;
    }

    /** @return the certificates trusted as roots for verifying the peer */
    public List<X509Certificate> trustedCertificates() {
        return trustedCertificates;
    }

    /** @return true when a listener with these settings requires client certificates */
    public boolean requireClientCertificate() {
        return requireClientCertificate;
    }

    /** @return true when a dialer with these settings skips server verification (development only) */
    public boolean insecureSkipVerify() {
        return insecureSkipVerify;
    }

    /**
     * @return an in-memory PKCS12 key store holding this side's key and chain under the alias
     *     {@code "dbsync"}, password {@link #keyStorePassword()}
     * @throws TlsConfigException if these settings have no certificate
     */
    public KeyStore keyStore() {
        if (privateKey == null) {
            throw new TlsConfigException(description, "no certificate and key configured");
        }
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("dbsync", privateKey, STORE_PASSWORD, certificateChain.toArray(new X509Certificate[0]));
            return ks;
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsConfigException(description, "cannot build a key store: " + e.getMessage(), e);
        }
    }

    /** @return the password of {@link #keyStore()} (a copy) */
    public char[] keyStorePassword() {
        return STORE_PASSWORD.clone();
    }

    /** @return a key manager factory over {@link #keyStore()} */
    public KeyManagerFactory keyManagerFactory() {
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keyStore(), STORE_PASSWORD);
            return kmf;
        } catch (GeneralSecurityException e) {
            throw new TlsConfigException(description, "cannot build a key manager: " + e.getMessage(), e);
        }
    }

    /**
     * @return a PKIX trust manager factory trusting exactly {@link #trustedCertificates()}
     * @throws TlsConfigException if no certificate is trusted
     */
    public TrustManagerFactory trustManagerFactory() {
        if (trustedCertificates.isEmpty()) {
            throw new TlsConfigException(description, "no trusted CA configured");
        }
        try {
            KeyStore ts = KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            for (int i = 0; i < trustedCertificates.size(); i++) {
                ts.setCertificateEntry("ca-" + i, trustedCertificates.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(ts);
            return tmf;
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsConfigException(description, "cannot build a trust manager: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "TlsSettings{" + description + '}';
    }

    /**
     * Builds {@link TlsSettings}. Not thread-safe. Material is parsed as it is given, so an
     * error names the file at once.
     */
    public static final class Builder {
        private final List<X509Certificate> chain = new ArrayList<>();
        private PrivateKey key;
        private String certSource;
        private String keySource;
        private final List<X509Certificate> trusted = new ArrayList<>();
        private final List<String> trustSources = new ArrayList<>();
        private boolean requireClientCertificate;
        private boolean insecureSkipVerify;

        private Builder() {
        }

        /**
         * Sets this side's certificate chain and key from files.
         *
         * @param certificateChainPem PEM certificate chain, leaf first
         * @param privateKeyPem PEM PKCS#8 private key
         * @return this builder
         */
        public Builder certificate(Path certificateChainPem, Path privateKeyPem) {
            return certificatePem(Pem.read(certificateChainPem), certificateChainPem.toString(),
                    Pem.read(privateKeyPem), privateKeyPem.toString());
        }

        /**
         * Sets this side's certificate chain and key from PEM text.
         *
         * @param chainPem PEM certificate chain, leaf first
         * @param chainSource a name for the chain used in errors
         * @param keyPem PEM PKCS#8 private key
         * @param keySource a name for the key used in errors
         * @return this builder
         */
        public Builder certificatePem(String chainPem, String chainSource, String keyPem, String keySource) {
            List<X509Certificate> certs = Pem.certificates(chainPem, chainSource);
            PrivateKey k = Pem.privateKey(keyPem, keySource);
            Pem.checkKeyMatches(k, certs.get(0), keySource);
            chain.clear();
            chain.addAll(certs);
            key = k;
            certSource = chainSource;
            this.keySource = keySource;
            return this;
        }

        /**
         * Adds the certificates of a PEM file to the trusted roots.
         *
         * @param caPem PEM file of one or more CA certificates
         * @return this builder
         */
        public Builder trustedCertificates(Path caPem) {
            return trustedCertificatesPem(Pem.read(caPem), caPem.toString());
        }

        /**
         * Adds the certificates of a PEM text to the trusted roots.
         *
         * @param caPem PEM text of one or more CA certificates
         * @param source a name used in errors
         * @return this builder
         */
        public Builder trustedCertificatesPem(String caPem, String source) {
            trusted.addAll(Pem.certificates(caPem, source));
            trustSources.add(source);
            return this;
        }

        /**
         * @param require whether a listener requires client certificates signed by a trusted root
         * @return this builder
         */
        public Builder requireClientCertificate(boolean require) {
            this.requireClientCertificate = require;
            return this;
        }

        /**
         * @param insecure whether a dialer skips server verification (development only)
         * @return this builder
         */
        public Builder insecureSkipVerify(boolean insecure) {
            this.insecureSkipVerify = insecure;
            return this;
        }

        private String description() {
            List<String> parts = new ArrayList<>();
            if (certSource != null) {
                parts.add("cert=" + certSource + ", key=" + keySource);
            }
            if (!trustSources.isEmpty()) {
                parts.add("trust=" + trustSources);
            }
            if (requireClientCertificate) {
                parts.add("client certificate required");
            }
            if (insecureSkipVerify) {
                parts.add("INSECURE: server not verified");
            }
            return parts.isEmpty() ? "empty" : String.join(", ", parts);
        }

        /**
         * Checks that the settings fit together and builds them.
         *
         * @return the settings
         * @throws TlsConfigException if client certificates are required but no CA is trusted,
         *     or if verification is both pinned and skipped
         */
        public TlsSettings build() {
            if (requireClientCertificate && trusted.isEmpty()) {
                throw new TlsConfigException(description(),
                        "client certificates are required but no CA to verify them is configured");
            }
            if (requireClientCertificate && key == null) {
                throw new TlsConfigException(description(), "a listener needs its own certificate and key");
            }
            if (insecureSkipVerify && !trusted.isEmpty()) {
                throw new TlsConfigException(description(),
                        "insecureSkipVerify and a trusted CA are both set; choose one");
            }
            return new TlsSettings(this);
        }
    }
}

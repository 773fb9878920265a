package dev.dbsync.api.internal;

import dev.dbsync.api.TlsConfigException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads PEM certificates and PKCS#8 private keys with the JDK alone, naming the source in
 * every error.
 */
public final class Pem {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)\\s*-----END \\1-----");
    private static final String[] KEY_ALGORITHMS = {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS"};

    private Pem() {
    }

    /**
     * Reads a file as text, turning I/O failures into errors that name it.
     *
     * @param file the file
     * @return its content
     */
    public static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new TlsConfigException(file.toString(), "file does not exist", e);
        } catch (AccessDeniedException e) {
            throw new TlsConfigException(file.toString(), "file is not readable (permission denied)", e);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new TlsConfigException(file.toString(), "not a PEM file (it holds non-ASCII bytes; DER is not accepted)", e);
        } catch (IOException e) {
            throw new TlsConfigException(file.toString(), "cannot read file: " + e.getMessage(), e);
        }
    }

    private static List<byte[]> blocks(String pem, String source, String wantedType) {
        List<byte[]> out = new ArrayList<>();
        List<String> otherTypes = new ArrayList<>();
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            if (!m.group(1).equals(wantedType)) {
                otherTypes.add(m.group(1));
                continue;
            }
            try {
                out.add(Base64.getMimeDecoder().decode(m.group(2)));
            } catch (IllegalArgumentException e) {
                throw new TlsConfigException(source, "PEM block " + wantedType + " holds invalid base64", e);
            }
        }
        if (out.isEmpty()) {
            if (otherTypes.isEmpty()) {
                throw new TlsConfigException(source, "not PEM: no '-----BEGIN " + wantedType + "-----' block found");
            }
            throw new TlsConfigException(source, "no " + wantedType + " block found (found " + otherTypes + ")"
                    + hintFor(otherTypes));
        }
        return out;
    }

    private static String hintFor(List<String> types) {
        if (types.contains("RSA PRIVATE KEY") || types.contains("EC PRIVATE KEY")) {
            return "; PKCS#1/SEC1 keys are not supported, convert with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8";
        }
        if (types.contains("ENCRYPTED PRIVATE KEY")) {
            return "; encrypted keys are not supported, decrypt with: openssl pkcs8 -in KEY -out KEY.pk8";
        }
        return "";
    }

    /**
     * Parses every certificate of a PEM text, checking that each is currently valid.
     *
     * @param pem the PEM text
     * @param source the file name or description used in errors
     * @return the certificates in file order (leaf first for a chain)
     */
    public static List<X509Certificate> certificates(String pem, String source) {
        List<X509Certificate> certs = new ArrayList<>();
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            for (byte[] der : blocks(pem, source, "CERTIFICATE")) {
                certs.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(der)));
            }
        } catch (GeneralSecurityException e) {
            throw new TlsConfigException(source, "invalid certificate: " + e.getMessage(), e);
        }
        for (X509Certificate c : certs) {
            try {
                c.checkValidity();
            } catch (CertificateExpiredException e) {
                throw new TlsConfigException(source, "certificate '" + c.getSubjectX500Principal().getName()
                        + "' expired on " + c.getNotAfter().toInstant(), e);
            } catch (CertificateNotYetValidException e) {
                throw new TlsConfigException(source, "certificate '" + c.getSubjectX500Principal().getName()
                        + "' is not valid before " + c.getNotBefore().toInstant(), e);
            }
        }
        return List.copyOf(certs);
    }

    /**
     * Parses the single PKCS#8 private key of a PEM text (RSA, EC, EdDSA).
     *
     * @param pem the PEM text
     * @param source the file name or description used in errors
     * @return the key
     */
    public static PrivateKey privateKey(String pem, String source) {
        List<byte[]> keys = blocks(pem, source, "PRIVATE KEY");
        if (keys.size() != 1) {
            throw new TlsConfigException(source, "expected one PRIVATE KEY block, found " + keys.size());
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(keys.get(0));
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                // try the next algorithm
            }
        }
        throw new TlsConfigException(source, "unsupported or corrupt PKCS#8 private key (RSA, EC and EdDSA are supported)");
    }

    /**
     * Checks that a private key belongs to a certificate by signing a random challenge.
     *
     * @param key the private key
     * @param cert the certificate
     * @param source the key's file name or description used in errors
     */
    public static void checkKeyMatches(PrivateKey key, X509Certificate cert, String source) {
        PublicKey pub = cert.getPublicKey();
        if (!pub.getAlgorithm().equals(key.getAlgorithm())
                && !(pub.getAlgorithm().startsWith("Ed") && key.getAlgorithm().startsWith("Ed"))) {
            throw new TlsConfigException(source, "key does not match certificate '"
                    + cert.getSubjectX500Principal().getName() + "' (" + key.getAlgorithm() + " key, "
                    + pub.getAlgorithm() + " certificate)");
        }
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm();
        };
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(pub);
            verifier.update(challenge);
            if (verifier.verify(signature)) {
                return;
            }
        } catch (GeneralSecurityException e) {
            throw new TlsConfigException(source, "key does not match certificate '"
                    + cert.getSubjectX500Principal().getName() + "': " + e.getMessage(), e);
        }
        throw new TlsConfigException(source, "key does not match certificate '"
                + cert.getSubjectX500Principal().getName() + "'");
    }
}

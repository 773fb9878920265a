package dev.dbsync.transport.kwik.internal;

import dev.dbsync.api.tls.TlsSettings;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Verifies a server for a kwik dialer: the chain must lead to a pinned CA (PKIX), and the leaf
 * must name the host we dialled, by DNS subject alternative name or, for an IP literal, by IP
 * subject alternative name. The common name is never used.
 *
 * <p>Why not kwik's own checks: agent15 3.1 validates the chain as if the key were RSA (fails
 * for ECDSA chains), so the auth type it passes is ignored here; its host-name check ignores IP
 * SANs and accepts a certificate with neither CN nor matching DNS SAN. The dialer therefore
 * turns kwik's host-name check off and installs this trust manager, which does both checks.
 */
final class ServerIdentityTrustManager implements X509TrustManager {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final int SAN_DNS = 2;
    private static final int SAN_IP = 7;

    private final X509TrustManager pkix;
    private final String host;
    private volatile CertificateException refusal;

    /**
     * @param tls settings holding the trusted CAs
     * @param host the host name or IP literal dialled
     */
    ServerIdentityTrustManager(TlsSettings tls, String host) {
        X509TrustManager found = null;
        for (TrustManager tm : tls.trustManagerFactory().getTrustManagers()) {
            if (tm instanceof X509TrustManager) {
                found = (X509TrustManager) tm;
            }
        }
        if (found == null) {
            throw new IllegalStateException("no X509 trust manager for " + tls);
        }
        this.pkix = found;
        this.host = host;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String ignoredAuthType) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("server sent no certificate");
        }
        try {
            // TLS 1.3: the key exchange does not depend on the certificate; "UNKNOWN" checks for signing use
            pkix.checkServerTrusted(chain, "UNKNOWN");
            checkHost(chain[0], host);
        } catch (CertificateException e) {
            refusal = e;
            throw e;
        }
    }

    /** @return why the server was refused, once it was (kwik's handshake error does not say) */
    java.util.Optional<CertificateException> refusal() {
        return java.util.Optional.ofNullable(refusal);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a dialer does not verify clients");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return pkix.getAcceptedIssuers();
    }

    /**
     * Checks that a certificate names a host.
     *
     * @param leaf the server's certificate
     * @param host a DNS name or an IP literal
     * @throws CertificateException if no subject alternative name matches
     */
    static void checkHost(X509Certificate leaf, String host) throws CertificateException {
        boolean ip = isIpLiteral(host);
        List<String> names = new ArrayList<>();
        Collection<List<?>> sans;
        try {
            sans = leaf.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            throw new CertificateException("server certificate has unreadable subject alternative names", e);
        }
        if (sans != null) {
            for (List<?> san : sans) {
                int type = (Integer) san.get(0);
                Object value = san.get(1);
                if (!(value instanceof String)) {
                    continue;
                }
                String name = (String) value;
                names.add(name);
                if (ip && type == SAN_IP && sameAddress(host, name)) {
                    return;
                }
                if (!ip && type == SAN_DNS && dnsMatches(host, name)) {
                    return;
                }
            }
        }
        throw new CertificateException("server certificate is not valid for " + host
                + " (its subject alternative names: " + names + ")");
    }

    static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || IPV4.matcher(host).matches();
    }

    private static boolean sameAddress(String a, String b) {
        if (!isIpLiteral(b)) {
            return false;
        }
        try {
            // both are literals: no name lookup happens
            return InetAddress.getByName(a).equals(InetAddress.getByName(b));
        } catch (UnknownHostException e) {
            return false;
        }
    }

    static boolean dnsMatches(String host, String pattern) {
        String h = stripDot(host.toLowerCase(Locale.ROOT));
        String p = stripDot(pattern.toLowerCase(Locale.ROOT));
        if (p.startsWith("*.")) {
            String suffix = p.substring(1);
            int firstDot = h.indexOf('.');
            return firstDot > 0 && h.substring(firstDot).equals(suffix) && suffix.indexOf('.', 1) > 0;
        }
        return h.equals(p);
    }

    private static String stripDot(String s) {
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}

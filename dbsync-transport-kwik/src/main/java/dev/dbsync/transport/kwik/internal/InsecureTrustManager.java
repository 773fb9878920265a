package dev.dbsync.transport.kwik.internal;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.X509TrustManager;

/** Accepts any server: development only, used when the settings say so (and logged). */
final class InsecureTrustManager implements X509TrustManager {
    static final InsecureTrustManager INSTANCE = new InsecureTrustManager();

    private InsecureTrustManager() {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
        // development only: anyone can impersonate the server
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a dialer does not verify clients");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}

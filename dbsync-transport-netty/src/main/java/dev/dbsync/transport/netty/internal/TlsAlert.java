package dev.dbsync.transport.netty.internal;

/**
 * Names of the TLS alerts a QUIC peer reports as {@code CRYPTO_ERROR} (0x100 + alert).
 */
final class TlsAlert {
    static final int NO_APPLICATION_PROTOCOL = 120;

    private TlsAlert() {
    }

    /** @param alert a TLS alert code @return its name, e.g. "certificate_required" */
    static String name(int alert) {
        switch (alert) {
            case 40: return "handshake_failure";
            case 42: return "bad_certificate";
            case 43: return "unsupported_certificate";
            case 44: return "certificate_revoked";
            case 45: return "certificate_expired";
            case 46: return "certificate_unknown";
            case 48: return "unknown_ca";
            case 49: return "access_denied";
            case 50: return "decode_error";
            case 51: return "decrypt_error";
            case 80: return "internal_error";
            case 112: return "unrecognized_name";
            case 116: return "certificate_required";
            case 120: return "no_application_protocol";
            default: return "alert " + alert;
        }
    }

    /** @param alert a TLS alert code @return true when it means the peer refused our credentials */
    static boolean isAuthentication(int alert) {
        switch (alert) {
            case 40: case 42: case 43: case 44: case 45: case 46: case 48: case 49: case 51: case 116:
                return true;
            default:
                return false;
        }
    }
}

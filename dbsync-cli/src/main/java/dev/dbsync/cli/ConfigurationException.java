package dev.dbsync.cli;

/**
 * A usage or configuration error found by a command (a missing file, contradictory options):
 * reported in one line, exit code {@value Main#USAGE}.
 */
final class ConfigurationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ConfigurationException(String message) {
        super(message);
    }

    ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}

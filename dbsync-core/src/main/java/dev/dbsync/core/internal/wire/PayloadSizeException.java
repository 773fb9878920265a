package dev.dbsync.core.internal.wire;

import dev.dbsync.api.ProtocolException;

/**
 * The payload was shorter or longer than the size its meta declared (a truncated stream is
 * reported this way too).
 */
public final class PayloadSizeException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    PayloadSizeException(long offset, String message) {
        super(offset, message);
    }
}

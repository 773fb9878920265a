package dev.dbsync.transport.kwik.internal;

import java.net.DatagramSocket;
import java.net.SocketException;

/**
 * Socket buffer sizes for kwik's UDP sockets. The kernel default (about 200 KiB) drops
 * datagrams when a burst arrives while kwik's single receive thread is busy (many handshakes
 * at once, a loaded machine); every drop costs kwik a loss-recovery round and shrinks its
 * congestion window. The kernel caps the request at {@code net.core.rmem_max}.
 */
final class UdpBuffers {
    /** Requested receive and send buffer, 4 MiB. */
    static final int SIZE = 4 << 20;

    private UdpBuffers() {
    }

    static void enlarge(DatagramSocket socket) throws SocketException {
        socket.setReceiveBufferSize(SIZE);
        socket.setSendBufferSize(SIZE);
    }
}

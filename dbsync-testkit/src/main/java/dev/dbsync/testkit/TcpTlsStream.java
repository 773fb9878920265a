package dev.dbsync.testkit;

import dev.dbsync.api.transport.InboundStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLSocket;

/**
 * The single stream of a TLS-over-TCP connection. Writes go straight to the socket (no
 * buffering beyond the call, so nothing waits for a flush); closing the output sends a TLS
 * {@code close_notify} and the other direction keeps working.
 */
final class TcpTlsStream implements InboundStream {
    private static final int LINGER_MILLIS = 2000;
    private static final int LINGER_DRAIN_BYTES = 1 << 20;

    private final Socket raw;
    private final SSLSocket socket;
    private final String peer;
    private final String alpn;
    private final List<X509Certificate> peerCertificates;
    private final InputStream input;
    private final OutputStream output;
    private final AtomicBoolean outputClosed = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    TcpTlsStream(Socket raw, SSLSocket socket, String peer, String alpn, List<X509Certificate> peerCertificates) {
        this.raw = raw;
        this.socket = socket;
        this.peer = peer;
        this.alpn = alpn;
        this.peerCertificates = peerCertificates;
        try {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            this.input = new InputStream() {
                @Override
                public int read() throws IOException {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    return in.read(b, off, len);
                }

                @Override
                public int available() throws IOException {
                    return in.available();
                }

                @Override
                public void close() {
                    // reading stops when the stream is closed
                }
            };
            this.output = new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    out.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    if (outputClosed.get()) {
                        throw new IOException("stream output to " + peer + " is closed");
                    }
                    out.write(b, off, len);
                }

                @Override
                public void flush() throws IOException {
                    out.flush();
                }

                @Override
                public void close() throws IOException {
                    if (outputClosed.compareAndSet(false, true) && !socket.isClosed()) {
                        out.flush();
                        socket.shutdownOutput();
                    }
                }
            };
        } catch (IOException e) {
            throw new IllegalStateException("socket to " + peer + " has no streams", e);
        }
    }

    @Override
    public InputStream input() {
        return input;
    }

    @Override
    public OutputStream output() {
        return output;
    }

    @Override
    public void abort(long errorCode) {
        if (closed.compareAndSet(false, true)) {
            try {
                raw.setSoLinger(true, 0);
            } catch (SocketException ignored) {
                // already broken
            }
            // close the TCP socket under TLS: no close_notify, so the peer sees a reset, not an EOF
            TcpTlsTransport.closeQuietly(raw);
        }
    }

    /**
     * Sends end-of-stream if needed, then waits briefly for the peer's end-of-stream before
     * closing the socket, so a final answer is not destroyed by a TCP reset.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            output.close();
            socket.setSoTimeout(LINGER_MILLIS);
            byte[] buf = new byte[8192];
            long drained = 0;
            int n;
            while (drained < LINGER_DRAIN_BYTES && (n = socket.getInputStream().read(buf)) >= 0) {
                drained += n;
            }
        } catch (IOException ignored) {
            // the peer is gone or slow: close anyway
        } finally {
            TcpTlsTransport.closeQuietly(socket);
        }
    }

    boolean isClosed() {
        return closed.get();
    }

    @Override
    public String negotiatedAlpn() {
        return alpn;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return (InetSocketAddress) socket.getRemoteSocketAddress();
    }

    @Override
    public List<X509Certificate> peerCertificates() {
        return peerCertificates;
    }
}

package dev.dbsync.testkit;

import dev.dbsync.api.TransportException;
import dev.dbsync.api.transport.StreamHandler;
import dev.dbsync.api.transport.TransportListener;
import dev.dbsync.api.transport.TransportOptions;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/** Accepts TLS-over-TCP connections and hands each one's single stream to the handler. */
final class TcpTlsListener implements TransportListener {
    private static final System.Logger LOG = System.getLogger(TcpTlsListener.class.getName());
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final ServerSocket server;
    private final SSLContext ctx;
    private final boolean requireClientCertificate;
    private final Set<String> alpn;
    private final TransportOptions options;
    private final StreamHandler handler;
    private final ExecutorService workers;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread acceptor;

    private TcpTlsListener(ServerSocket server, SSLContext ctx, boolean requireClientCertificate, Set<String> alpn,
                           TransportOptions options, StreamHandler handler) {
        this.server = server;
        this.ctx = ctx;
        this.requireClientCertificate = requireClientCertificate;
        this.alpn = alpn;
        this.options = options;
        this.handler = handler;
        this.workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "dbsync-tcptest-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.acceptor = new Thread(this::acceptLoop, "dbsync-tcptest-" + THREADS.incrementAndGet());
        this.acceptor.setDaemon(true);
    }

    static TcpTlsListener start(InetSocketAddress address, SSLContext ctx, boolean requireClientCertificate,
                                Set<String> alpn, TransportOptions options, StreamHandler handler) {
        ServerSocket server;
        try {
            server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(address.isUnresolved() ? new InetSocketAddress(address.getHostString(), address.getPort())
                    : address, 128);
        } catch (IOException e) {
            throw new TransportException(address.getHostString() + ":" + address.getPort(), "cannot bind: " + e, e);
        }
        TcpTlsListener l = new TcpTlsListener(server, ctx, requireClientCertificate, alpn, options, handler);
        l.acceptor.start();
        return l;
    }

    private void acceptLoop() {
        while (!closed.get()) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                if (!closed.get()) {
                    LOG.log(System.Logger.Level.WARNING, "accept failed on " + localAddress(), e);
                }
                continue;
            }
            if (active.incrementAndGet() > options.maxConnections()) {
                active.decrementAndGet();
                LOG.log(System.Logger.Level.WARNING, "refusing a connection from " + s.getRemoteSocketAddress()
                        + ": " + options.maxConnections() + " connections already open");
                TcpTlsTransport.closeQuietly(s);
                continue;
            }
            open.add(s);
            try {
                workers.execute(() -> serve(s));
            } catch (RuntimeException e) {
                release(s);
            }
        }
    }

    private void serve(Socket raw) {
        String peer = String.valueOf(raw.getRemoteSocketAddress());
        TcpTlsStream stream = null;
        try {
            raw.setTcpNoDelay(true);
            SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(raw, null, raw.getPort(), true);
            s.setUseClientMode(false);
            SSLParameters p = s.getSSLParameters();
            p.setProtocols(new String[] {"TLSv1.3"});
            p.setNeedClientAuth(requireClientCertificate);
            s.setSSLParameters(p);
            s.setHandshakeApplicationProtocolSelector((sock, offered) -> {
                for (String id : offered) {
                    if (alpn.contains(id)) {
                        return id;
                    }
                }
                return null; // no common id: the handshake fails with no_application_protocol
            });
            s.setSoTimeout(TcpTlsTransport.millis(options.connectTimeout()));
            s.startHandshake();
            s.setSoTimeout(TcpTlsTransport.millis(options.idleTimeout()));
            List<java.security.cert.X509Certificate> certs = TcpTlsConnection.certificates(s);
            stream = new TcpTlsStream(raw, s, peer, s.getApplicationProtocol(), certs);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "TLS handshake with " + peer + " failed: " + e);
            release(raw);
            return;
        }
        try {
            handler.handle(stream);
            stream.close();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "stream from " + peer + " failed: " + e);
            stream.abort(1);
        } finally {
            release(raw);
        }
    }

    private void release(Socket s) {
        if (open.remove(s)) {
            active.decrementAndGet();
        }
        TcpTlsTransport.closeQuietly(s);
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        for (Socket s : open) {
            try {
                s.setSoLinger(true, 0);
            } catch (SocketException ignored) {
                // already broken
            }
            release(s);
        }
        workers.shutdownNow();
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package dev.dbsync.transport.netty;

import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.api.transport.Endpoint;
import dev.dbsync.api.transport.InboundStream;
import dev.dbsync.api.transport.TransportStream;
import dev.dbsync.testkit.TestPki;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.SplittableRandom;

/** Certificates and helpers shared by the Netty transport tests. */
final class QuicFixture {
    static final InetSocketAddress LOOPBACK_ANY_PORT = new InetSocketAddress("127.0.0.1", 0);

    final TestPki pki;
    final TestPki rogue;
    final TestPki.Issued server;
    final TestPki.Issued client;
    final TestPki.Issued rogueClient;
    final TestPki.Issued otherHostServer;

    QuicFixture(Path dir) {
        pki = TestPki.create(dir.resolve("pki"), "test-ca");
        rogue = TestPki.create(dir.resolve("rogue"), "rogue-ca");
        server = pki.server("fo");
        client = pki.client("bo");
        rogueClient = rogue.client("intruder");
        otherHostServer = pki.issue("elsewhere", true, TestPki.KeyType.RSA, Instant.now().minus(Duration.ofHours(1)),
                Duration.ofDays(30), "elsewhere.example");
    }

    TlsSettings serverOnly() {
        return TlsSettings.server(server.certFile(), server.keyFile());
    }

    TlsSettings mutualServer() {
        return TlsSettings.mutualServer(server.certFile(), server.keyFile(), pki.caFile());
    }

    TlsSettings pinnedClient() {
        return TlsSettings.clientWithCa(pki.caFile());
    }

    TlsSettings mutualClient() {
        return TlsSettings.mutualClient(pki.caFile(), client.certFile(), client.keyFile());
    }

    TlsSettings rogueMutualClient() {
        return TlsSettings.mutualClient(pki.caFile(), rogueClient.certFile(), rogueClient.keyFile());
    }

    static Endpoint endpoint(int port) {
        return new Endpoint("127.0.0.1", port);
    }

    /** Reads the whole input, then answers "<sha256-hex> <count>\n" and returns. */
    static void answerDigest(InboundStream stream) throws IOException {
        Digest d = digest(stream.input());
        OutputStream out = stream.output();
        out.write((d.hex + " " + d.count + "\n").getBytes(StandardCharsets.US_ASCII));
        out.close();
    }

    /** Writes {@code size} pseudo-random bytes from {@code seed}, then reads the peer's answer. */
    static String sendAndReadAnswer(TransportStream stream, long size, long seed) throws IOException {
        try (OutputStream out = stream.output()) {
            write(out, size, seed);
        }
        return new String(stream.input().readAllBytes(), StandardCharsets.US_ASCII).strip();
    }

    static void write(OutputStream out, long size, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] buf = new byte[64 * 1024];
        long left = size;
        while (left > 0) {
            int n = (int) Math.min(buf.length, left);
            for (int i = 0; i < n; i += 8) {
                long r = random.nextLong();
                for (int j = 0; j < 8 && i + j < n; j++) {
                    buf[i + j] = (byte) (r >>> (8 * j));
                }
            }
            out.write(buf, 0, n);
            left -= n;
        }
    }

    /** @return "<sha256-hex> <size>" of what {@link #write} produces */
    static String expectedAnswer(long size, long seed) throws IOException {
        MessageDigest md = sha256();
        try (OutputStream sink = new OutputStream() {
            @Override
            public void write(int b) {
                md.update((byte) b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                md.update(b, off, len);
            }
        }) {
            write(sink, size, seed);
        }
        return HexFormat.of().formatHex(md.digest()) + " " + size;
    }

    record Digest(String hex, long count) {
    }

    static Digest digest(InputStream in) throws IOException {
        MessageDigest md = sha256();
        byte[] buf = new byte[64 * 1024];
        long count = 0;
        int n;
        while ((n = in.read(buf)) >= 0) {
            md.update(buf, 0, n);
            count += n;
        }
        return new Digest(HexFormat.of().formatHex(md.digest()), count);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

package dev.dbsync.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamRequestContent;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A 100 MB upload through the write proxy is streamed with back-pressure: while the back
 * office stops reading, the client can only get a few socket buffers ahead of it, so the front
 * office cannot be holding the body. This cannot be faked by buffering: a buffering proxy
 * would either deliver nothing before the whole body was sent, or let the client run to the end.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class WriteProxyUploadTest {
    private static final Logger LOG = LoggerFactory.getLogger(WriteProxyUploadTest.class);
    private static final long TOTAL = 100L * 1024 * 1024;
    private static final long PAUSE_AT = 4L * 1024 * 1024;
    private static final int SOCKET_BUFFER = 64 * 1024;
    /** Socket buffers (3 x 64 KiB pinned, the proxy client's send buffer at most 4 MiB) plus a few Jetty chunks. */
    private static final long MAX_IN_FLIGHT = 16L * 1024 * 1024;

    @Test
    void streamsA100MegabyteUploadWithBackPressure() throws Exception {
        CountDownLatch resume = new CountDownLatch(1);
        AtomicLong received = new AtomicLong();
        Handler countingBo = new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                byte[] buf = new byte[16 * 1024];
                try (InputStream in = Request.asInputStream(request)) {
                    for (int n; (n = in.read(buf)) >= 0; ) {
                        sha.update(buf, 0, n);
                        if (received.addAndGet(n) >= PAUSE_AT && resume.getCount() > 0) {
                            resume.await(30, TimeUnit.SECONDS);
                        }
                    }
                }
                Content.Sink.write(response, true,
                        received.get() + " " + HexFormat.of().formatHex(sha.digest()), callback);
                return true;
            }
        };
        ClientConnector connector = new ClientConnector();
        connector.setSendBufferSize(SOCKET_BUFFER);
        HttpClient client = new HttpClient(new HttpClientTransportOverHTTP(connector));
        client.start();
        GeneratedStream body = new GeneratedStream(TOTAL);
        try (LocalServer bo = LocalServer.start("bo", countingBo).receiveBuffer(SOCKET_BUFFER);
             LocalServer fo = LocalServer.start("fo", new WriteProxy(bo.url())).receiveBuffer(SOCKET_BUFFER)) {
            org.eclipse.jetty.client.Request upload = client.newRequest(fo.url() + "/upload")
                    .method(HttpMethod.POST)
                    .body(new InputStreamRequestContent("application/octet-stream", body, 32 * 1024))
                    .timeout(80, TimeUnit.SECONDS);
            CompletableFuture<ContentResponse> answer = new CompletableResponseListener(upload, 4096).send();

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (received.get() < PAUSE_AT && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(received.get()).as("the BO got the first bytes while the upload was still running")
                    .isGreaterThanOrEqualTo(PAUSE_AT);
            long stalled = waitUntilStable(body.produced, deadline);
            long inFlight = stalled - received.get();
            LOG.info("BO paused at {} bytes; client stalled at {} bytes; in flight {} bytes", received.get(), stalled,
                    inFlight);
            assertThat(stalled).as("the client is held back while the BO does not read").isLessThan(TOTAL);
            assertThat(inFlight).as("bytes between client and BO while the BO pauses").isLessThan(MAX_IN_FLIGHT);
            resume.countDown();

            ContentResponse r = answer.get(80, TimeUnit.SECONDS);
            assertThat(r.getStatus()).isEqualTo(200);
            assertThat(r.getContentAsString()).isEqualTo(TOTAL + " " + body.sha256Hex());
        } finally {
            resume.countDown();
            client.stop();
        }
    }

    /** Polls until the value has not moved for half a second, or the deadline passes. */
    private static long waitUntilStable(AtomicLong value, long deadline) throws InterruptedException {
        long last = value.get();
        int quiet = 0;
        while (quiet < 10 && System.nanoTime() < deadline) {
            Thread.sleep(50);
            long now = value.get();
            quiet = now == last ? quiet + 1 : 0;
            last = now;
        }
        return last;
    }

    /** Deterministic pseudo-random bytes produced on demand, hashed and counted as they go. */
    private static final class GeneratedStream extends InputStream {
        private final long total;
        private final AtomicLong produced = new AtomicLong();
        private final MessageDigest sha;
        private long state = 0x9E3779B97F4A7C15L;

        GeneratedStream(long total) throws Exception {
            this.total = total;
            this.sha = MessageDigest.getInstance("SHA-256");
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            long left = total - produced.get();
            if (left <= 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            for (int i = 0; i < n; i++) {
                state ^= state << 13;
                state ^= state >>> 7;
                state ^= state << 17;
                b[off + i] = (byte) state;
            }
            sha.update(b, off, n);
            produced.addAndGet(n);
            return n;
        }

        String sha256Hex() {
            return HexFormat.of().formatHex(sha.digest());
        }
    }
}

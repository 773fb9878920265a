package dev.dbsync.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.testkit.TestPki;

import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WriteProxyTest {
    private static HttpClient client;

    @BeforeAll
    static void startClient() throws Exception {
        client = new HttpClient();
        client.setFollowRedirects(false);
        client.start();
    }

    @AfterAll
    static void stopClient() throws Exception {
        client.stop();
    }

    @Test
    void forwardsMethodPathQueryHeadersAndBodyBothWays() throws Exception {
        RecordingBackOffice recorder = new RecordingBackOffice();
        try (LocalServer bo = LocalServer.start("bo", recorder);
             LocalServer fo = LocalServer.start("fo", new WriteProxy(bo.url()))) {
            ContentResponse r = client.newRequest(fo.url() + "/api/items/7?sort=name%20asc&x=%2F")
                    .method(HttpMethod.PUT)
                    .headers(h -> h.put("X-Custom", "kept").put("Cookie", "token=abc"))
                    .body(new StringRequestContent("text/plain", "héllo body", StandardCharsets.UTF_8))
                    .timeout(10, TimeUnit.SECONDS).send();

            assertThat(r.getStatus()).isEqualTo(201);
            assertThat(r.getHeaders().get("X-Bo")).isEqualTo("seen PUT");
            assertThat(r.getHeaders().get("Keep-Alive")).as("hop-by-hop response header").isNull();
            assertThat(r.getContentAsString()).isEqualTo("bo:héllo body");

            RecordingBackOffice.Received got = recorder.next();
            assertThat(got.method()).isEqualTo("PUT");
            assertThat(got.pathQuery()).isEqualTo("/api/items/7?sort=name%20asc&x=%2F");
            assertThat(got.body()).isEqualTo("héllo body");
            assertThat(got.headers().get("X-Custom")).isEqualTo("kept");
            assertThat(got.headers().get("Cookie")).isEqualTo("token=abc");
            assertThat(got.headers().get("Host")).isEqualTo("127.0.0.1:" + bo.port());
            assertThat(got.headers().get("X-Forwarded-For")).isEqualTo("127.0.0.1");
            assertThat(got.headers().get("X-Forwarded-Proto")).isEqualTo("http");
            assertThat(got.headers().get("X-Forwarded-Host")).isEqualTo("127.0.0.1:" + fo.port());
            assertThat(got.headers().get("Via")).contains("dbsync-proxy");
            assertThat(got.headers().get("Forwarded")).contains("for=\"127.0.0.1\"");
            assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                    .anyMatch(n -> n.startsWith("dbsync-write-proxy-"));
        }
    }

    @Test
    void keepsTheBackOfficeBasePath() throws Exception {
        RecordingBackOffice recorder = new RecordingBackOffice();
        try (LocalServer bo = LocalServer.start("bo", recorder);
             LocalServer fo = LocalServer.start("fo", new WriteProxy(bo.url() + "/app/"))) {
            ContentResponse r = client.newRequest(fo.url() + "/orders?id=1").method(HttpMethod.DELETE)
                    .timeout(10, TimeUnit.SECONDS).send();
            assertThat(r.getStatus()).isEqualTo(201);
            assertThat(recorder.next().pathQuery()).isEqualTo("/app/orders?id=1");
        }
    }

    @Test
    void dropsHopByHopHeadersAndTheHeadersConnectionNames() throws Exception {
        RecordingBackOffice recorder = new RecordingBackOffice();
        try (LocalServer bo = LocalServer.start("bo", recorder);
             LocalServer fo = LocalServer.start("fo", new WriteProxy(bo.url()))) {
            String raw = "POST /form HTTP/1.1\r\n"
                    + "Host: fo.example\r\n"
                    + "Connection: close, X-Secret-Hop\r\n"
                    + "X-Secret-Hop: must-not-reach-bo\r\n"
                    + "Keep-Alive: timeout=5\r\n"
                    + "TE: trailers\r\n"
                    + "Proxy-Authorization: Basic Zm9vOmJhcg==\r\n"
                    + "X-End-To-End: yes\r\n"
                    + "Content-Length: 3\r\n\r\nabc";
            String answer = rawExchange(fo.port(), raw);
            assertThat(answer).startsWith("HTTP/1.1 201");

            RecordingBackOffice.Received got = recorder.next();
            assertThat(got.headers().get("X-Secret-Hop")).isNull();
            assertThat(got.headers().get("Keep-Alive")).isNull();
            assertThat(got.headers().get("TE")).isNull();
            assertThat(got.headers().get("Proxy-Authorization")).isNull();
            assertThat(got.headers().get("X-End-To-End")).isEqualTo("yes");
            assertThat(got.headers().get("X-Forwarded-Host")).isEqualTo("fo.example");
            assertThat(got.body()).isEqualTo("abc");
        }
    }

    @Test
    void replacesClientSuppliedForwardingHeadersByDefault() throws Exception {
        RecordingBackOffice recorder = new RecordingBackOffice();
        try (LocalServer bo = LocalServer.start("bo", recorder);
             LocalServer fo = LocalServer.start("fo", new WriteProxy(bo.url()))) {
            client.newRequest(fo.url() + "/x").method(HttpMethod.POST)
                    .headers(h -> h.put("X-Forwarded-For", "6.6.6.6").put("X-Forwarded-Proto", "https")
                            .put("X-Forwarded-Host", "evil.example").put("Forwarded", "for=6.6.6.6")
                            .put("X-Real-IP", "6.6.6.6"))
                    .timeout(10, TimeUnit.SECONDS).send();
            RecordingBackOffice.Received got = recorder.next();
            assertThat(got.headers().get("X-Forwarded-For")).isEqualTo("127.0.0.1");
            assertThat(got.headers().get("X-Forwarded-Proto")).isEqualTo("http");
            assertThat(got.headers().get("X-Forwarded-Host")).isEqualTo("127.0.0.1:" + fo.port());
            assertThat(got.headers().get("Forwarded")).doesNotContain("6.6.6.6");
            assertThat(got.headers().get("X-Real-IP")).isNull();
        }
    }

    @Test
    void appendsToForwardingHeadersWhenTrusted() throws Exception {
        RecordingBackOffice recorder = new RecordingBackOffice();
        try (LocalServer bo = LocalServer.start("bo", recorder);
             LocalServer fo = LocalServer.start("fo",
                     WriteProxy.builder(bo.url()).trustForwardedHeaders(true).build())) {
            client.newRequest(fo.url() + "/x").method(HttpMethod.POST)
                    .headers(h -> h.put("X-Forwarded-For", "203.0.113.9").put("X-Forwarded-Proto", "https")
                            .put("X-Forwarded-Host", "shop.example"))
                    .timeout(10, TimeUnit.SECONDS).send();
            RecordingBackOffice.Received got = recorder.next();
            assertThat(got.headers().get("X-Forwarded-For")).isEqualTo("203.0.113.9, 127.0.0.1");
            assertThat(got.headers().get("X-Forwarded-Proto")).isEqualTo("https");
            assertThat(got.headers().get("X-Forwarded-Host")).isEqualTo("shop.example");
        }
    }

    @Test
    void answers502WhenTheBackOfficeIsUnreachable() throws Exception {
        int closed = LocalServer.closedPort();
        try (LocalServer fo = LocalServer.start("fo", new WriteProxy("http://127.0.0.1:" + closed))) {
            ContentResponse r = client.newRequest(fo.url() + "/orders").method(HttpMethod.POST)
                    .body(new StringRequestContent("x=1")).timeout(10, TimeUnit.SECONDS).send();
            assertThat(r.getStatus()).isEqualTo(502);
            assertThat(r.getContentAsString()).contains("Service temporarily unavailable");
            assertThat(r.getMediaType()).isEqualTo("text/plain");
        }
    }

    @Test
    void answers504WhenTheBackOfficeStaysSilent() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Handler silent = new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                release.await(10, TimeUnit.SECONDS);
                response.setStatus(200);
                callback.succeeded();
                return true;
            }
        };
        try (LocalServer bo = LocalServer.start("bo", silent);
             LocalServer fo = LocalServer.start("fo",
                     WriteProxy.builder(bo.url()).idleTimeout(Duration.ofMillis(300)).build())) {
            ContentResponse r;
            try {
                r = client.newRequest(fo.url() + "/slow").method(HttpMethod.POST)
                        .timeout(20, TimeUnit.SECONDS).send();
            } finally {
                release.countDown();
            }
            assertThat(r.getStatus()).as("the proxy's idle timeout, not the BO's late 200").isEqualTo(504);
            assertThat(r.getContentAsString()).contains("Service temporarily unavailable");
        } finally {
            release.countDown();
        }
    }

    @Test
    void answers502WhenTheBackOfficeAnswersGarbage() throws Exception {
        try (ServerSocket garbage = new ServerSocket(0, 8, InetAddress.getByName("127.0.0.1"))) {
            Thread bo = new Thread(() -> {
                try (Socket s = garbage.accept()) {
                    s.setSoTimeout(10_000);
                    s.getInputStream().read(new byte[4096]);
                    s.getOutputStream().write("SMTP ready\r\n\u0000\u0001 not http at all\r\n\r\n"
                            .getBytes(StandardCharsets.ISO_8859_1));
                } catch (Exception ignored) {
                    // the test asserts what the proxy answers
                }
            }, "test-garbage-bo");
            bo.setDaemon(true);
            bo.start();
            try (LocalServer fo = LocalServer.start("fo", new WriteProxy("http://127.0.0.1:" + garbage.getLocalPort()))) {
                ContentResponse r = client.newRequest(fo.url() + "/x").method(HttpMethod.POST)
                        .body(new StringRequestContent("x")).timeout(20, TimeUnit.SECONDS).send();
                assertThat(r.getStatus()).isEqualTo(502);
                assertThat(r.getContentAsString()).contains("Service temporarily unavailable");
            }
            bo.join(10_000);
        }
    }

    @Test
    void pinsTheBackOfficeCaOverTls(@TempDir Path dir) throws Exception {
        TestPki pki = TestPki.create(dir.resolve("good"), "bo-ca");
        TestPki.Issued cert = pki.server("bo");
        TestPki other = TestPki.create(dir.resolve("other"), "other-ca");
        RecordingBackOffice recorder = new RecordingBackOffice();
        try (LocalServer bo = LocalServer.startTls("bo", recorder, TlsSettings.server(cert.certFile(), cert.keyFile()));
             LocalServer pinned = LocalServer.start("fo",
                     new WriteProxy(bo.url(), TlsSettings.clientWithCa(pki.caFile())));
             LocalServer wrongCa = LocalServer.start("fo2",
                     new WriteProxy(bo.url(), TlsSettings.clientWithCa(other.caFile())));
             LocalServer jdkTrust = LocalServer.start("fo3", new WriteProxy(bo.url()))) {
            ContentResponse ok = client.newRequest(pinned.url() + "/secure").method(HttpMethod.POST)
                    .body(new StringRequestContent("tls")).timeout(10, TimeUnit.SECONDS).send();
            assertThat(ok.getStatus()).isEqualTo(201);
            assertThat(ok.getContentAsString()).isEqualTo("bo:tls");
            assertThat(recorder.next().body()).isEqualTo("tls");

            ContentResponse refused = client.newRequest(wrongCa.url() + "/secure").method(HttpMethod.POST)
                    .timeout(10, TimeUnit.SECONDS).send();
            assertThat(refused.getStatus()).isEqualTo(502);
            ContentResponse untrusted = client.newRequest(jdkTrust.url() + "/secure").method(HttpMethod.POST)
                    .timeout(10, TimeUnit.SECONDS).send();
            assertThat(untrusted.getStatus()).isEqualTo(502);
            assertThat(recorder.pending()).as("only the pinned proxy reached the BO").isZero();
        }
    }

    @Test
    void presentsAClientCertificateToABackOfficeThatRequiresOne(@TempDir Path dir) throws Exception {
        TestPki pki = TestPki.create(dir, "bo-ca");
        TestPki.Issued server = pki.server("bo");
        TestPki.Issued fo = pki.client("fo");
        RecordingBackOffice recorder = new RecordingBackOffice();
        TlsSettings boTls = TlsSettings.mutualServer(server.certFile(), server.keyFile(), pki.caFile());
        try (LocalServer bo = LocalServer.startTls("bo", recorder, boTls);
             LocalServer mutual = LocalServer.start("fo", WriteProxy.builder(bo.url())
                     .tls(TlsSettings.mutualClient(pki.caFile(), fo.certFile(), fo.keyFile())).build());
             LocalServer anonymous = LocalServer.start("fo2",
                     new WriteProxy(bo.url(), TlsSettings.clientWithCa(pki.caFile())))) {
            ContentResponse ok = client.newRequest(mutual.url() + "/m").method(HttpMethod.POST)
                    .body(new StringRequestContent("mtls")).timeout(10, TimeUnit.SECONDS).send();
            assertThat(ok.getStatus()).isEqualTo(201);
            assertThat(recorder.next().body()).isEqualTo("mtls");
            ContentResponse refused = client.newRequest(anonymous.url() + "/m").method(HttpMethod.POST)
                    .timeout(10, TimeUnit.SECONDS).send();
            assertThat(refused.getStatus()).isEqualTo(502);
            assertThat(recorder.pending()).isZero();
        }
    }

    @Test
    void rejectsUnusableBackOfficeUrlsNamingThem() {
        for (String bad : new String[] {"not a url", "bo.internal:8080", "ftp://bo.internal", "http://", "http:///x",
                "http://user:pw@bo.internal", "http://bo.internal/?q=1", "http://[::1"}) {
            assertThatThrownBy(() -> new WriteProxy(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(bad);
        }
        assertThatThrownBy(() -> WriteProxy.builder("http://127.0.0.1:1").tls(TlsSettings.insecureClient()).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http://127.0.0.1:1");
        assertThatThrownBy(() -> WriteProxy.builder("http://bo").idleTimeout(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("idleTimeout");
    }

    @Test
    void streamsResponseBodiesFromTheBackOffice() throws Exception {
        int size = 8 * 1024 * 1024;
        Handler big = new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                byte[] chunk = new byte[64 * 1024];
                java.util.Arrays.fill(chunk, (byte) 'z');
                try (OutputStream out = Content.Sink.asOutputStream(response)) {
                    for (int i = 0; i < size / chunk.length; i++) {
                        out.write(chunk);
                    }
                }
                callback.succeeded();
                return true;
            }
        };
        try (LocalServer bo = LocalServer.start("bo", big);
             LocalServer fo = LocalServer.start("fo", new WriteProxy(bo.url()))) {
            InputStreamResponseListener listener = new InputStreamResponseListener();
            client.newRequest(fo.url() + "/export").method(HttpMethod.POST)
                    .timeout(20, TimeUnit.SECONDS).send(listener);
            assertThat(listener.get(10, TimeUnit.SECONDS).getStatus()).isEqualTo(200);
            long total = 0;
            long wrong = 0;
            try (InputStream in = listener.getInputStream()) {
                byte[] buf = new byte[32 * 1024];
                for (int n; (n = in.read(buf)) >= 0; ) {
                    for (int i = 0; i < n; i++) {
                        wrong += buf[i] == 'z' ? 0 : 1;
                    }
                    total += n;
                }
            }
            assertThat(total).isEqualTo(size);
            assertThat(wrong).isZero();
        }
    }

    static String rawExchange(int port, String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}

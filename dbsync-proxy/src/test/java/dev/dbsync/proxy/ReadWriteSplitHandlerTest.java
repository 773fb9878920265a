package dev.dbsync.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReadWriteSplitHandlerTest {
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

    /** The front office's own read-only pages. */
    static final class LocalReads extends Handler.Abstract {
        final AtomicInteger served = new AtomicInteger();

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            served.incrementAndGet();
            response.getHeaders().put("X-Served-By", "fo");
            Content.Sink.write(response, true, "replica:" + request.getMethod(), callback);
            return true;
        }
    }

    @Test
    void sendsReadsToTheLocalHandlerAndWritesToTheBackOffice() throws Exception {
        RecordingBackOffice recorder = new RecordingBackOffice();
        LocalReads reads = new LocalReads();
        try (LocalServer bo = LocalServer.start("bo", recorder);
             LocalServer fo = LocalServer.start("fo", new ReadWriteSplitHandler(reads, new WriteProxy(bo.url())))) {
            for (String method : new String[] {"GET", "HEAD", "OPTIONS"}) {
                ContentResponse r = client.newRequest(fo.url() + "/items").method(method)
                        .timeout(10, TimeUnit.SECONDS).send();
                assertThat(r.getStatus()).as(method).isEqualTo(200);
                assertThat(r.getHeaders().get("X-Served-By")).as(method).isEqualTo("fo");
            }
            assertThat(reads.served.get()).isEqualTo(3);

            for (String method : new String[] {"POST", "PUT", "PATCH", "DELETE"}) {
                ContentResponse r = client.newRequest(fo.url() + "/items/1").method(method)
                        .body(new StringRequestContent("v=" + method)).timeout(10, TimeUnit.SECONDS).send();
                assertThat(r.getStatus()).as(method).isEqualTo(201);
                assertThat(r.getContentAsString()).isEqualTo("bo:v=" + method);
                RecordingBackOffice.Received got = recorder.next();
                assertThat(got.method()).isEqualTo(method);
                assertThat(got.pathQuery()).isEqualTo("/items/1");
            }
            assertThat(reads.served.get()).as("writes never reach the replica").isEqualTo(3);
        }
    }

    @Test
    void refusesOtherMethodsWith405() throws Exception {
        RecordingBackOffice recorder = new RecordingBackOffice();
        LocalReads reads = new LocalReads();
        try (LocalServer bo = LocalServer.start("bo", recorder);
             LocalServer fo = LocalServer.start("fo", new ReadWriteSplitHandler(reads, new WriteProxy(bo.url())))) {
            for (String method : new String[] {"TRACE", "PROPFIND", "BREW"}) {
                ContentResponse r = client.newRequest(fo.url() + "/x").method(method)
                        .timeout(10, TimeUnit.SECONDS).send();
                assertThat(r.getStatus()).as(method).isEqualTo(405);
                assertThat(r.getHeaders().get("Allow")).contains("GET", "POST", "DELETE");
            }
            assertThat(reads.served.get()).isZero();
            assertThat(recorder.pending()).isZero();
        }
    }

    @Test
    void writesFailWith502WhileReadsStillWorkWhenTheBackOfficeIsDown() throws Exception {
        LocalReads reads = new LocalReads();
        int closed = LocalServer.closedPort();
        try (LocalServer fo = LocalServer.start("fo",
                new ReadWriteSplitHandler(reads, new WriteProxy("http://127.0.0.1:" + closed)))) {
            assertThat(client.GET(fo.url() + "/page").getStatus()).isEqualTo(200);
            ContentResponse write = client.newRequest(fo.url() + "/page").method("POST")
                    .timeout(10, TimeUnit.SECONDS).send();
            assertThat(write.getStatus()).isEqualTo(502);
        }
    }

    @Test
    void needsTwoDifferentHandlers() {
        LocalReads reads = new LocalReads();
        assertThatThrownBy(() -> new ReadWriteSplitHandler(reads, reads)).isInstanceOf(IllegalArgumentException.class);
    }
}

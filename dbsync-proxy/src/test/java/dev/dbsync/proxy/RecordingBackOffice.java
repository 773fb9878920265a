package dev.dbsync.proxy;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/** A back office that records what it receives and answers 201 with a fixed body. */
final class RecordingBackOffice extends Handler.Abstract {
    /** What the back office received. */
    record Received(String method, String pathQuery, HttpFields headers, String body, String remoteAddr) {
    }

    private final BlockingQueue<Received> received = new ArrayBlockingQueue<>(64);

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String body = Content.Source.asString(request, StandardCharsets.UTF_8);
        received.add(new Received(request.getMethod(), request.getHttpURI().getPathQuery(),
                HttpFields.build(request.getHeaders()).asImmutable(), body, Request.getRemoteAddr(request)));
        response.setStatus(201);
        response.getHeaders().put("X-Bo", "seen " + request.getMethod());
        response.getHeaders().put("Keep-Alive", "timeout=99");
        response.getHeaders().put("Content-Type", "text/plain;charset=utf-8");
        Content.Sink.write(response, true, "bo:" + body, callback);
        return true;
    }

    /** @return the next request received, waiting at most 10 s */
    Received next() throws InterruptedException {
        Received r = received.poll(10, TimeUnit.SECONDS);
        if (r == null) {
            throw new AssertionError("the back office received nothing within 10 s");
        }
        return r;
    }

    int pending() {
        return received.size();
    }
}

package dev.dbsync.proxy;

import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A back office whose auth API answers what the test scripts, and records each call. */
final class FakeAuthBackOffice extends Handler.Abstract {
    record Call(String method, String path, String contentType, String body) {
    }

    record Answer(int status, String body) {
    }

    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final BlockingQueue<Call> calls = new ArrayBlockingQueue<>(64);
    volatile CountDownLatch stall = new CountDownLatch(0);

    /** Scripts the answer of {@code /api/internal/auth/<name>}. */
    FakeAuthBackOffice answer(String name, int status, String body) {
        answers.put("/api/internal/auth/" + name, new Answer(status, body));
        return this;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = request.getHttpURI().getPath();
        calls.add(new Call(request.getMethod(), path, request.getHeaders().get("Content-Type"),
                Content.Source.asString(request, StandardCharsets.UTF_8)));
        stall.await(10, TimeUnit.SECONDS);
        Answer a = answers.getOrDefault(path, new Answer(404, "{\"ok\":false,\"error\":\"no such endpoint\"}"));
        response.setStatus(a.status());
        response.getHeaders().put("Content-Type", "application/json");
        Content.Sink.write(response, true, a.body(), callback);
        return true;
    }

    Call nextCall() throws InterruptedException {
        Call c = calls.poll(10, TimeUnit.SECONDS);
        if (c == null) {
            throw new AssertionError("the back office was not called within 10 s");
        }
        return c;
    }

    int callCount() {
        return calls.size();
    }
}

package dev.dbsync.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.testkit.TestPki;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BOHealthCheckerTest {
    private static final Duration FAST = Duration.ofMillis(50);
    private static final Duration WAIT = Duration.ofSeconds(20);

    /** A BO whose /health answers with a status the test controls; counts the checks. */
    static final class HealthEndpoint extends Handler.Abstract {
        final AtomicInteger status = new AtomicInteger(200);
        final AtomicInteger hits = new AtomicInteger();
        volatile String lastPath;
        volatile CountDownLatch gate = new CountDownLatch(0);

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            lastPath = request.getMethod() + " " + request.getHttpURI().getPathQuery();
            gate.await(10, TimeUnit.SECONDS);
            hits.incrementAndGet();
            response.setStatus(status.get());
            callback.succeeded();
            return true;
        }
    }

    @Test
    void isUnhealthyBeforeTheFirstCheckCompletes() throws Exception {
        HealthEndpoint endpoint = new HealthEndpoint();
        endpoint.gate = new CountDownLatch(1);
        try (LocalServer bo = LocalServer.start("bo", endpoint)) {
            try (BOHealthChecker health = new BOHealthChecker(bo.url(), FAST)) {
                assertThat(health.healthy()).isFalse();
                assertThat(health.status()).containsEntry("reachable", false).containsEntry("check_count", 0L)
                        .doesNotContainKey("last_check");
                endpoint.gate.countDown();
                Await.until("first check", WAIT, health::healthy);
                assertThat(endpoint.lastPath).isEqualTo("GET /health");
            } finally {
                endpoint.gate.countDown();
            }
        }
    }

    @Test
    void followsTheBackOfficeThroughUpDownAndGone() throws Exception {
        HealthEndpoint endpoint = new HealthEndpoint();
        LocalServer bo = LocalServer.start("bo", endpoint);
        try (BOHealthChecker health = new BOHealthChecker(bo.url(), FAST)) {
            Await.until("healthy on 200", WAIT, health::healthy);
            Instant before = Instant.now();

            endpoint.status.set(503);
            Await.until("unhealthy on 503", WAIT, () -> !health.healthy());
            long fails = (Long) health.status().get("fail_count");
            assertThat(fails).isPositive();

            endpoint.status.set(404);
            Await.until("healthy on 404 (the BO answers)", WAIT, health::healthy);
            endpoint.status.set(401);
            long checks = (Long) health.status().get("check_count");
            Await.until("two checks answered 401", WAIT, () -> (Long) health.status().get("check_count") >= checks + 2);
            assertThat(health.healthy()).as("401 without a challenge still proves the BO is up").isTrue();

            endpoint.status.set(500);
            Await.until("unhealthy on 500", WAIT, () -> !health.healthy());
            endpoint.status.set(299);
            Await.until("healthy again", WAIT, health::healthy);

            bo.close();
            Await.until("unhealthy when the BO is gone", WAIT, () -> !health.healthy());

            Map<String, Object> status = health.status();
            assertThat(status.keySet()).containsExactly("reachable", "last_check", "latency_ms", "check_count", "fail_count");
            assertThat(status.get("reachable")).isEqualTo(false);
            assertThat(Instant.parse((String) status.get("last_check"))).isAfterOrEqualTo(before);
            assertThat((Long) status.get("check_count")).isGreaterThan((Long) status.get("fail_count"));
            assertThat((Long) status.get("fail_count")).isGreaterThan(fails);
            assertThat((Long) status.get("latency_ms")).isNotNegative();
        } finally {
            bo.close();
        }
    }

    @Test
    void countsAnAnswerSlowerThanTheTimeoutAsUnreachable() throws Exception {
        HealthEndpoint endpoint = new HealthEndpoint();
        endpoint.gate = new CountDownLatch(1);
        try (LocalServer bo = LocalServer.start("bo", endpoint)) {
            try (BOHealthChecker health = BOHealthChecker.builder(bo.url()).interval(FAST)
                    .timeout(Duration.ofMillis(200)).start()) {
                Await.until("a failed check", WAIT, () -> (Long) health.status().get("fail_count") >= 1);
                assertThat(health.healthy()).isFalse();
                assertThat(endpoint.hits.get()).isZero();
            } finally {
                endpoint.gate.countDown();
            }
        }
    }

    @Test
    void stopsCheckingWhenClosed() throws Exception {
        HealthEndpoint endpoint = new HealthEndpoint();
        try (LocalServer bo = LocalServer.start("bo", endpoint)) {
            BOHealthChecker health = new BOHealthChecker(bo.url(), FAST);
            Await.until("a few checks", WAIT, () -> endpoint.hits.get() >= 3);
            health.close();
            health.close();
            int hits = endpoint.hits.get();
            long checks = (Long) health.status().get("check_count");
            Thread.sleep(FAST.toMillis() * 6);
            assertThat(endpoint.hits.get()).isEqualTo(hits);
            assertThat(health.status().get("check_count")).isEqualTo(checks);
            assertThat(health.healthy()).as("last result kept").isTrue();
        }
    }

    @Test
    void checksAnHttpsBackOfficeWithThePinnedCa(@TempDir Path dir) throws Exception {
        TestPki pki = TestPki.create(dir.resolve("ca"), "bo-ca");
        TestPki.Issued cert = pki.server("bo");
        TestPki stranger = TestPki.create(dir.resolve("other"), "other-ca");
        HealthEndpoint endpoint = new HealthEndpoint();
        try (LocalServer bo = LocalServer.startTls("bo", endpoint, TlsSettings.server(cert.certFile(), cert.keyFile()));
             BOHealthChecker pinned = BOHealthChecker.builder(bo.url()).interval(FAST)
                     .tls(TlsSettings.clientWithCa(pki.caFile())).start();
             BOHealthChecker wrong = BOHealthChecker.builder(bo.url()).interval(FAST)
                     .tls(TlsSettings.clientWithCa(stranger.caFile())).start()) {
            Await.until("pinned CA accepted", WAIT, pinned::healthy);
            Await.until("other CA refused", WAIT, () -> (Long) wrong.status().get("fail_count") >= 2);
            assertThat(wrong.healthy()).isFalse();
        }
    }

    @Test
    void exposesReachabilityAsAMicrometerGauge() throws Exception {
        HealthEndpoint endpoint = new HealthEndpoint();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (LocalServer bo = LocalServer.start("bo", endpoint);
             BOHealthChecker health = new BOHealthChecker(bo.url(), FAST)) {
            new BOHealthMetrics(health).bindTo(registry);
            Await.until("healthy", WAIT, health::healthy);
            assertThat(registry.get("dbsync.proxy.bo.reachable").tag("bo", bo.url()).gauge().value()).isEqualTo(1.0);
            endpoint.status.set(502);
            Await.until("unhealthy", WAIT, () -> !health.healthy());
            assertThat(registry.get("dbsync.proxy.bo.reachable").gauge().value()).isEqualTo(0.0);
            assertThat(registry.get("dbsync.proxy.bo.check.failures").functionCounter().count()).isPositive();
            assertThat(registry.get("dbsync.proxy.bo.checks").functionCounter().count()).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void rejectsAnUnusableUrlNamingIt() {
        assertThatThrownBy(() -> new BOHealthChecker("::not-a-url", FAST))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("::not-a-url");
        assertThat(BOHealthChecker.builder("http://bo").interval(Duration.ZERO)).isNotNull();
    }
}

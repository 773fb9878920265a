package dev.dbsync.core;

import dev.dbsync.api.Target;
import dev.dbsync.api.TargetProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Delivers the newest snapshot to every active target, independently per target: at most one
 * push in flight per target, bounded parallelism overall, capped exponential backoff with
 * jitter after a failure, retries without waiting for a new change, and never a queue of stale
 * versions (a target always gets the newest snapshot next). Targets are asked from the
 * provider at every interval, so added, removed, paused and resumed targets take effect
 * within one interval.
 *
 * <p>An acknowledgement is not trusted forever: a front office can come back empty at the same
 * endpoint (a wiped disk, a redeploy) without the publisher noticing. A v2 target whose last
 * confirmation is older than the re-confirmation interval, and that has no push in flight, is
 * offered the current snapshot again (through the same bounded pool): one that serves it
 * answers {@code skip} before any payload byte (the confirmation is renewed), one that lacks
 * it gets it. A failed re-confirmation counts as a failure (backoff, and the target is no
 * longer reported up to date). v1 targets are not re-confirmed: v1 has no {@code skip}, a
 * re-offer would resend the whole payload.
 */
final class DeliveryScheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryScheduler.class);
    private static final AtomicInteger POOLS = new AtomicInteger();

    /** Mutable delivery state of one target; guarded by the scheduler's lock. */
    private static final class Delivery {
        Target target;
        long ackedVersion = -1;
        String ackedHash = "";
        long ackedSequence = -1;
        long ackedTimestamp = Long.MIN_VALUE;
        boolean confirmed;
        Instant confirmedAt;
        long confirmedAtNanos;
        Instant lastAttempt;
        String lastError;
        int failures;
        long nextAttemptNanos;
        PublishedSnapshot inFlight;
        final List<Runnable> aborts = new ArrayList<>();

        Delivery(Target target) {
            this.target = target;
        }

        DeliveryState snapshot() {
            return new DeliveryState(target, ackedVersion, ackedHash, confirmed, Optional.ofNullable(lastAttempt),
                    Optional.ofNullable(lastError), failures, inFlight == null ? -1 : inFlight.meta().version(),
                    Optional.ofNullable(confirmedAt));
        }
    }

    private final TargetProvider provider;
    private final SnapshotPush push;
    private final long refreshNanos;
    private final long backoffBaseNanos;
    private final long backoffCapNanos;
    private final long reconfirmNanos;
    private final PublisherMetrics metrics;
    private final ExecutorService pushers;
    private final Thread thread;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Condition delivered = lock.newCondition();
    private final Map<String, Delivery> deliveries = new LinkedHashMap<>();
    private PublishedSnapshot current;
    private String providerError;
    private boolean closed;

    DeliveryScheduler(TargetProvider provider, SnapshotPush push, int parallelism, Duration refresh,
                      Duration backoffBase, Duration backoffCap, Duration reconfirm, PublisherMetrics metrics) {
        this.provider = provider;
        this.push = push;
        this.refreshNanos = refresh.toNanos();
        this.backoffBaseNanos = backoffBase.toNanos();
        this.backoffCapNanos = backoffCap.toNanos();
        this.reconfirmNanos = reconfirm.toNanos();
        this.metrics = metrics;
        int pool = POOLS.incrementAndGet();
        AtomicInteger n = new AtomicInteger();
        this.pushers = Executors.newFixedThreadPool(parallelism, r -> {
            Thread t = new Thread(r, "dbsync-push-" + pool + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.thread = new Thread(this::loop, "dbsync-publisher-" + pool);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Makes {@code snapshot} the one to deliver; takes over the caller's reference. */
    void publish(PublishedSnapshot snapshot) {
        PublishedSnapshot old;
        lock.lock();
        try {
            if (closed) {
                snapshot.release();
                return;
            }
            old = current;
            current = snapshot;
            deliveries.values().forEach(this::report);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (old != null) {
            old.release();
        }
    }

    List<DeliveryState> states() {
        lock.lock();
        try {
            return deliveries.values().stream().map(Delivery::snapshot).toList();
        } finally {
            lock.unlock();
        }
    }

    Optional<String> providerError() {
        lock.lock();
        try {
            return Optional.ofNullable(providerError);
        } finally {
            lock.unlock();
        }
    }

    /** Waits until every active target serves {@code hash}; false on timeout. */
    boolean awaitAll(String hash, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (!closed) {
                boolean all = deliveries.values().stream()
                        .allMatch(d -> d.target.paused() || d.ackedHash.equals(hash));
                if (all && !deliveries.isEmpty()) {
                    return true;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                delivered.awaitNanos(left);
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    private void loop() {
        long nextRefresh = System.nanoTime();
        lock.lock();
        try {
            while (!closed) {
                long now = System.nanoTime();
                if (now >= nextRefresh) {
                    lock.unlock();
                    List<Target> targets = null;
                    String error = null;
                    try {
                        targets = List.copyOf(provider.targets());
                    } catch (RuntimeException e) {
                        error = e.toString();
                    } finally {
                        lock.lock();
                    }
                    List<Runnable> removed = reconcile(targets, error);
                    nextRefresh = System.nanoTime() + refreshNanos;
                    if (!removed.isEmpty()) {
                        // abort the pushes to removed targets outside the lock: closing takes a moment
                        lock.unlock();
                        try {
                            runAll(removed);
                        } finally {
                            lock.lock();
                        }
                    }
                }
                long wakeAt = dispatch(nextRefresh);
                long wait = wakeAt - System.nanoTime();
                if (wait > 0) {
                    changed.awaitNanos(wait);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Applies a fresh target list; keeps the previous one when the provider failed.
     *
     * @return the aborts of pushes to removed targets, to run once the lock is released
     */
    private List<Runnable> reconcile(List<Target> targets, String error) {
        if (targets == null) {
            if (!error.equals(providerError)) {
                LOG.warn("target provider failed, keeping the previous {} targets: {}", deliveries.size(), error);
            }
            providerError = error;
            return List.of();
        }
        List<Runnable> removed = new ArrayList<>();
        providerError = null;
        Set<String> names = new HashSet<>();
        for (Target t : targets) {
            if (!names.add(t.name())) {
                continue; // first row of a name wins
            }
            Delivery d = deliveries.get(t.name());
            if (d == null) {
                deliveries.put(t.name(), new Delivery(t));
                LOG.info("target {} added ({} {})", t.name(), t.strategy(), t.endpoint());
            } else if (!d.target.equals(t)) {
                if (!d.target.endpoint().equals(t.endpoint())) {
                    d.failures = 0;
                    d.nextAttemptNanos = 0;
                    d.ackedHash = "";
                    d.ackedVersion = -1;
                    d.confirmedAt = null;
                }
                LOG.info("target {} changed: {} {} -> {} {}", t.name(), d.target.strategy(), d.target.endpoint(),
                        t.strategy(), t.endpoint());
                d.target = t;
            }
        }
        deliveries.entrySet().removeIf(e -> {
            if (names.contains(e.getKey())) {
                return false;
            }
            LOG.info("target {} removed", e.getKey());
            removed.addAll(e.getValue().aborts);
            e.getValue().aborts.clear();
            return true;
        });
        delivered.signalAll();
        return removed;
    }

    private static void runAll(List<Runnable> aborts) {
        for (Runnable r : aborts) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.debug("aborting a push failed: {}", e.toString());
            }
        }
    }

    /** Starts the pushes that are due; returns when the next one will be. */
    private long dispatch(long wakeAt) {
        PublishedSnapshot snap = current;
        if (snap == null) {
            return wakeAt;
        }
        long now = System.nanoTime();
        for (Delivery d : deliveries.values()) {
            if (d.target.paused() || d.inFlight != null) {
                continue;
            }
            if (d.ackedHash.equals(snap.meta().hash())) {
                if (!d.confirmed) {
                    continue; // v1 has no skip: offering it again would send the whole payload
                }
                long due = d.confirmedAtNanos + reconfirmNanos;
                if (d.failures == 0 && now - due < 0) {
                    wakeAt = Math.min(wakeAt, due);
                    continue;
                }
                // due for re-confirmation (or retrying a failed one, after its backoff below)
            }
            if (now < d.nextAttemptNanos) {
                wakeAt = Math.min(wakeAt, d.nextAttemptNanos);
                continue;
            }
            PublishedSnapshot held = snap.retain();
            if (held == null) {
                continue;
            }
            d.inFlight = held;
            d.lastAttempt = Instant.now();
            Target target = d.target;
            pushers.execute(() -> runPush(d, target, held));
        }
        return wakeAt;
    }

    private void runPush(Delivery d, Target target, PublishedSnapshot snap) {
        long start = System.nanoTime();
        SnapshotPush.Outcome outcome = null;
        Exception failure = null;
        try {
            outcome = push.push(target, snap, abort -> {
                lock.lock();
                try {
                    if (closed || deliveries.get(target.name()) != d) {
                        return false;
                    }
                    d.aborts.add(abort);
                    return true;
                } finally {
                    lock.unlock();
                }
            });
        } catch (Exception e) {
            failure = e;
        } finally {
            snap.release();
        }
        long elapsed = System.nanoTime() - start;
        metrics.pushed(target.name(), elapsed, failure == null);
        lock.lock();
        try {
            d.inFlight = null;
            d.aborts.clear();
            boolean reconfirm = d.ackedHash.equals(snap.meta().hash());
            if (failure == null) {
                d.ackedVersion = outcome.servedVersion();
                d.ackedHash = outcome.servedHash();
                if (outcome.servedHash().equals(snap.meta().hash())) {
                    d.ackedSequence = snap.sequence();
                    d.ackedTimestamp = snap.meta().timestamp();
                }
                d.confirmed = outcome.confirmed();
                d.confirmedAt = Instant.now();
                d.confirmedAtNanos = System.nanoTime();
                d.failures = 0;
                d.lastError = null;
                d.nextAttemptNanos = 0;
                if (reconfirm && !outcome.transferred()) {
                    LOG.debug("target {} still serves version {}", target.name(), outcome.servedVersion());
                } else if (reconfirm) {
                    LOG.warn("target {} no longer served version {} when re-confirmed (a front office reset or "
                            + "replaced): sent it again", target.name(), snap.meta().version());
                } else {
                    LOG.info("target {} serves version {} ({}){}", target.name(), outcome.servedVersion(),
                            outcome.servedHash().substring(0, Math.min(12, outcome.servedHash().length())),
                            outcome.confirmed() ? "" : " [v1: delivered, not acknowledged]");
                }
            } else if (!closed) {
                d.failures++;
                d.lastError = failure.getMessage() == null ? failure.toString() : failure.getMessage();
                long backoff = Math.min(backoffCapNanos, backoffBaseNanos << Math.min(20, d.failures - 1));
                backoff = (long) (backoff * (0.5 + ThreadLocalRandom.current().nextDouble()));
                d.nextAttemptNanos = System.nanoTime() + backoff;
                LOG.warn("push of version {} to {} failed ({} in a row), retrying in {} ms: {}", snap.meta().version(),
                        target.name(), d.failures, TimeUnit.NANOSECONDS.toMillis(backoff), d.lastError);
            }
            report(d);
            delivered.signalAll();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void report(Delivery d) {
        PublishedSnapshot snap = current;
        if (snap == null) {
            return;
        }
        boolean upToDate = d.ackedHash.equals(snap.meta().hash());
        long versionsBehind = upToDate ? 0 : snap.sequence() - d.ackedSequence;
        long since = d.ackedTimestamp == Long.MIN_VALUE ? snap.meta().timestamp() : d.ackedTimestamp;
        long secondsBehind = upToDate ? 0 : Math.max(0, Instant.now().getEpochSecond() - since);
        metrics.delivered(d.target.name(), d.ackedVersion, versionsBehind, secondsBehind);
    }

    /** Stops scheduling, aborts pushes in flight and waits for them (at most 5 s). Idempotent. */
    @Override
    public void close() {
        PublishedSnapshot last;
        List<Runnable> inFlight = new ArrayList<>();
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (Delivery d : deliveries.values()) {
                inFlight.addAll(d.aborts);
                d.aborts.clear();
            }
            last = current;
            current = null;
            changed.signalAll();
            delivered.signalAll();
        } finally {
            lock.unlock();
        }
        runAll(inFlight);
        pushers.shutdownNow();
        try {
            if (!pushers.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("pushes still running 5 s after close");
            }
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (last != null) {
            last.release();
        }
    }
}

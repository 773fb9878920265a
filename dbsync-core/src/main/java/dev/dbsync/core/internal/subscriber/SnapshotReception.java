package dev.dbsync.core.internal.subscriber;

import dev.dbsync.api.IntegrityException;
import dev.dbsync.core.internal.wire.CountingInputStream;
import dev.dbsync.core.internal.wire.PageDeltaInputStream;
import dev.dbsync.api.ProtocolException;
import dev.dbsync.api.SnapshotMeta;
import dev.dbsync.api.RejectReason;
import dev.dbsync.core.internal.wire.Ack;
import dev.dbsync.core.internal.wire.PayloadReader;
import dev.dbsync.core.internal.wire.PayloadSizeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Receives one accepted payload into a temp file beside the database, fsyncs and verifies it
 * (size, SHA-256, {@code PRAGMA quick_check}), then, holding the swap lock, checks that it is
 * still newer than what is served and installs it. Produces the acknowledgement.
 */
final class SnapshotReception {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotReception.class);
    private static final int BUFFER = 64 * 1024;
    private static final AtomicInteger CHECKS = new AtomicInteger();

    private final SubscriberEngine engine;
    private final StallWatchdog.Guard guard;
    private final InputStream in;
    private final SnapshotMeta meta;
    private final long offset;
    private final String peer;
    private final PageBase base;
    private final OutputStream reply;

    SnapshotReception(SubscriberEngine engine, StallWatchdog.Guard guard, InputStream in, SnapshotMeta wireMeta,
                      long offset, String peer) {
        this(engine, guard, in, wireMeta, offset, peer, null, null);
    }

    /**
     * @param base the served database when the payload comes in the {@code pages} encoding, else null
     * @param reply where the {@code pages} need frame goes (with a base)
     */
    SnapshotReception(SubscriberEngine engine, StallWatchdog.Guard guard, InputStream in, SnapshotMeta wireMeta,
                      long offset, String peer, PageBase base, OutputStream reply) {
        this.base = base;
        this.reply = reply;
        this.engine = engine;
        this.guard = guard;
        this.in = in;
        this.meta = wireMeta;
        this.offset = offset;
        this.peer = peer;
    }

    /** Thrown when writing the temp file fails, to tell local failures from the peer's. */
    private static final class LocalIoException extends IOException {
        private static final long serialVersionUID = 1L;

        LocalIoException(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    Ack run() {
        SnapshotStore store = engine.store();
        Path temp = store.newTempFile();
        boolean crashed = false;
        ServedFile[] held = new ServedFile[1];
        try {
            CountingInputStream wire = new CountingInputStream(in, 0);
            PageDeltaInputStream pages = base == null ? null : new PageDeltaInputStream(wire, reply, base.file().file(),
                    base.size(), base.pageSize(), meta.size(), offset);
            PayloadReader reader = new PayloadReader(pages == null ? wire : pages, meta, offset);
            long start = System.nanoTime();
            long verifyStart;
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                // the descriptor that will hold the file while it is served, opened before any
                // SQLite connection (the quick_check below, the readers after the swap) opens it
                try {
                    held[0] = ServedFile.open(temp);
                } catch (IOException e) {
                    throw new LocalIoException(e);
                }
                FutureTask<Void> check = null;
                try {
                    receive(reader, ch);
                    engine.metrics().received(wire.count());
                    if (pages != null) {
                        LOG.debug("{}: {} of {} pages received from {}, the others copied from the served database",
                                SubscriberEngine.describe(meta), pages.pagesReceived(), pages.pages(), peer);
                    }
                    guard.pause(true);
                    long received = System.nanoTime();
                    engine.metrics().receiveTime(Duration.ofNanos(received - start));
                    verifyStart = received;
                    // the SHA-256 was computed as the bytes arrived: a mismatch is refused before any fsync
                    reader.verify();
                    // PRAGMA quick_check reads the file (from the page cache) while the fsync writes it out
                    check = new FutureTask<>(() -> {
                        SnapshotStore.quickCheck(temp);
                        return null;
                    });
                    Thread checker = new Thread(check, "dbsync-subscriber-check-" + CHECKS.incrementAndGet());
                    checker.setDaemon(true);
                    checker.start();
                    ch.force(true);
                    store.step(SwapStep.TEMP_SYNCED);
                    awaitCheck(check);
                    check = null;
                } finally {
                    if (check != null) {
                        // a failure while the check runs: its connection closes before any descriptor of the file
                        awaitQuietly(check);
                    }
                }
            }
            engine.metrics().verifyTime(Duration.ofNanos(System.nanoTime() - verifyStart));
            store.step(SwapStep.VERIFIED);
            return install(temp, held);
        } catch (PayloadSizeException e) {
            return failed(RejectReason.SIZE_MISMATCH, e.getMessage());
        } catch (ProtocolException e) {
            return failed(guard.fired() ? RejectReason.STALLED : RejectReason.PROTOCOL_ERROR, e.getMessage());
        } catch (IntegrityException e) {
            return failed(e.expected().isEmpty() ? RejectReason.CORRUPT_DATABASE : RejectReason.HASH_MISMATCH,
                    e.getMessage());
        } catch (LocalIoException e) {
            return failed(RejectReason.IO_ERROR, "writing " + temp.getFileName() + " failed: " + e.getMessage());
        } catch (IOException e) {
            if (guard.fired()) {
                return failed(RejectReason.STALLED, "no data for the stall timeout; cut off");
            }
            return failed(RejectReason.PROTOCOL_ERROR, "the stream failed: " + e);
        } catch (Error e) {
            crashed = true;
            throw e;
        } finally {
            if (held[0] != null) {
                // not installed: no SQLite connection is open on the temp file any more
                held[0].release();
            }
            if (!crashed) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException e) {
                    LOG.warn("cannot remove {}: {}", temp, e.toString());
                }
            }
        }
    }

    /** Waits for a check whose result no longer matters (a failure is already being reported). */
    private static void awaitQuietly(FutureTask<Void> check) {
        boolean interrupted = false;
        while (true) {
            try {
                check.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException e) {
                break;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for the quick_check, rethrowing its failure as it is (an {@link IntegrityException}). */
    private static void awaitCheck(FutureTask<Void> check) throws IOException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    check.get();
                    return;
                } catch (InterruptedException e) {
                    // the check is bounded by the file's size; an interrupt (QUIC libraries send stray ones) waits it out
                    interrupted = true;
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    if (c instanceof RuntimeException r) {
                        throw r;
                    }
                    if (c instanceof Error err) {
                        throw err;
                    }
                    throw new IOException(c);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void receive(PayloadReader reader, FileChannel ch) throws IOException {
        byte[] buf = new byte[BUFFER];
        ByteBuffer bb = ByteBuffer.wrap(buf);
        int n;
        while ((n = reader.read(buf, 0, buf.length)) >= 0) {
            bb.clear().limit(n);
            try {
                while (bb.hasRemaining()) {
                    ch.write(bb);
                }
            } catch (IOException e) {
                throw new LocalIoException(e);
            }
        }
    }

    /** @param held the temp file's descriptor; handed to the data source (and cleared) once renamed */
    private Ack install(Path temp, ServedFile[] held) throws IOException {
        engine.swapLock().lock();
        try {
            Optional<ServedSnapshot> cur = engine.current();
            if (cur.isPresent() && cur.get().meta().hash().equals(meta.hash())) {
                LOG.info("{} from {} is already served (another push installed it)", SubscriberEngine.describe(meta), peer);
                return ok(cur.get());
            }
            if (cur.isPresent() && meta.version() <= cur.get().meta().version()) {
                return failed(RejectReason.STALE_VERSION, "version " + meta.version()
                        + " is no longer newer than the served " + cur.get().meta().version());
            }
            ServedSnapshot next = new ServedSnapshot(meta.withCompressed(false), Instant.now().getEpochSecond());
            boolean[] renamed = new boolean[1];
            try {
                engine.store().install(temp, next, move -> engine.dataSource().swap(held[0], () -> {
                    move.move();
                    renamed[0] = true;
                    held[0] = null;
                }));
            } catch (IOException e) {
                if (!renamed[0]) {
                    return failed(RejectReason.IO_ERROR, "installing failed before the rename: " + e.getMessage());
                }
                LOG.error("{} is in place but its meta could not be committed ({}); a restart commits the pending meta",
                        SubscriberEngine.describe(meta), e.toString());
            }
            LOG.info("swapped in {} from {} ({} bytes)", SubscriberEngine.describe(meta), peer, meta.size());
            engine.swapped(next);
            return ok(next);
        } finally {
            engine.swapLock().unlock();
        }
    }

    private static Ack ok(ServedSnapshot s) {
        return new Ack(true, s.meta().version(), s.meta().hash(), Optional.empty(), "");
    }

    private Ack failed(RejectReason reason, String message) {
        engine.refused(reason, message, meta);
        Optional<ServedSnapshot> cur = engine.current();
        return new Ack(false, cur.map(s -> s.meta().version()).orElse(0L), cur.map(s -> s.meta().hash()).orElse(""),
                Optional.of(reason), message);
    }
}

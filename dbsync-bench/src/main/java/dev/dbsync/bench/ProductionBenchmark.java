package dev.dbsync.bench;

import dev.dbsync.filter.ProductionReport;
import dev.dbsync.filter.SnapshotProducer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;

/**
 * JMH: one snapshot of a generated source per invocation (single-shot), three ways: ours
 * ({@link SnapshotProducer}, hashing included), the original copy-then-delete method (hashing
 * included) and the physical anchor, SQLite's {@code VACUUM INTO} of a database that holds only
 * the published data. The harness passes the source and a work directory as parameters.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ProductionBenchmark {
    /** The generated source database (see {@link SourceDatabase#generate}). */
    @Param("")
    public String source;

    /** Where outputs are written. */
    @Param("")
    public String work;

    private SnapshotProducer producer;
    private Path dir;
    private Path publishedOnly;
    private long version = 1;

    /** Builds the producer and, once, the published-only database the anchor copies. */
    @Setup
    public void setUp() throws IOException {
        dir = Path.of(work);
        Files.createDirectories(dir);
        producer = SnapshotProducer.builder(Path.of(source)).build();
        publishedOnly = dir.resolve("published-only.db");
        if (!Files.exists(publishedOnly)) {
            producer.produce(publishedOnly, SourceDatabase.SPEC, version++);
        }
    }

    /** @return our production's report (so JMH keeps it) */
    @Benchmark
    public ProductionReport ours() {
        return producer.produce(dir.resolve("ours.db"), SourceDatabase.SPEC, version++);
    }

    /** @return the hash of the original method's output */
    @Benchmark
    public String original() throws SQLException, IOException {
        return SourceDatabase.original(Path.of(source), dir.resolve("original.db"));
    }

    /** @return the anchor's output */
    @Benchmark
    public Path anchor() throws SQLException, IOException {
        Path out = dir.resolve("anchor.db");
        SourceDatabase.vacuumInto(publishedOnly, out);
        return out;
    }
}

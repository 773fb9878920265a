package dev.dbsync.core.internal.wire;

import dev.dbsync.api.IntegrityException;
import dev.dbsync.api.ProtocolException;
import dev.dbsync.api.SnapshotMeta;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Properties of the v1 codec: it round-trips everything it encodes, and no damaged or random
 * input gets past it unnoticed or makes it fail in another way than a ProtocolException (or an
 * IntegrityException for a payload whose hash does not match).
 */
class V1CodecProperties {

    /** A payload description: seed, size and whether it is compressible; cheap to generate. */
    record Sample(long seed, int size, boolean compressible, long version, long timestamp, boolean gzip) {
        byte[] payload() {
            return WireFixtures.payload(seed, size, compressible);
        }

        SnapshotMeta meta(byte[] payload) {
            return WireFixtures.metaFor(payload, version, timestamp, gzip);
        }
    }

    @Provide
    Arbitrary<Sample> samples() {
        Arbitrary<Integer> sizes = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, Arbitraries.of(0, 1, 2, 65_535, 65_536, 65_537)),
                net.jqwik.api.Tuple.of(80, Arbitraries.integers().between(0, 64 * 1024)),
                net.jqwik.api.Tuple.of(12, Arbitraries.integers().between(64 * 1024, 1 << 20)),
                net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(1 << 20, 6 << 20)));
        return Combinators.combine(Arbitraries.longs(), sizes, Arbitraries.of(true, false), Arbitraries.longs(),
                Arbitraries.longs(), Arbitraries.of(true, false)).as(Sample::new);
    }

    @Provide
    Arbitrary<Sample> smallSamples() {
        return Combinators.combine(Arbitraries.longs(), Arbitraries.integers().between(0, 8 * 1024),
                Arbitraries.of(true, false), Arbitraries.longs().between(0, Long.MAX_VALUE),
                Arbitraries.longs().between(0, 4_000_000_000L), Arbitraries.of(true, false)).as(Sample::new);
    }

    @Property(tries = 1000)
    void roundTripsEveryMetaAndPayload(@ForAll("samples") Sample sample) throws IOException {
        byte[] payload = sample.payload();
        SnapshotMeta meta = sample.meta(payload);
        WireFixtures.Decoded decoded = WireFixtures.decode(WireFixtures.encode(meta, payload));
        assertThat(decoded.meta()).isEqualTo(meta);
        assertThat(decoded.hash()).isEqualTo(meta.hash());
        assertThat(Arrays.equals(decoded.payload(), payload)).as("payload round-trips").isTrue();
    }

    /**
     * Truncating a valid stream anywhere always fails with a ProtocolException: the length
     * fields and the gzip trailer make every cut visible.
     */
    @Property(tries = 1000)
    void everyTruncationIsAProtocolError(@ForAll("smallSamples") Sample sample,
                                         @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int cutSeed) {
        byte[] payload = sample.payload();
        byte[] stream = WireFixtures.encode(sample.meta(payload), payload);
        int cut = cutSeed % stream.length;
        byte[] truncated = Arrays.copyOf(stream, cut);
        try {
            WireFixtures.decode(truncated);
            fail("a stream cut at " + cut + " of " + stream.length + " bytes was accepted");
        } catch (ProtocolException expected) {
            // the only acceptable outcome
        } catch (Throwable other) {
            fail("cut at " + cut + " gave " + other, other);
        }
    }

    /**
     * Flipping any single byte either fails with a ProtocolException or an IntegrityException,
     * or — when the flip hits a byte no checksum covers (a digit of version or timestamp, a
     * gzip header time stamp) — still yields exactly the original payload. The payload itself
     * can never be silently altered.
     */
    @Property(tries = 1000)
    void aFlippedByteNeverAltersThePayloadUnnoticed(@ForAll("smallSamples") Sample sample,
                                                    @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int where,
                                                    @ForAll @IntRange(min = 1, max = 255) int xor) {
        byte[] payload = sample.payload();
        byte[] stream = WireFixtures.encode(sample.meta(payload), payload);
        int at = where % stream.length;
        stream[at] ^= (byte) xor;
        try {
            WireFixtures.Decoded d = WireFixtures.decode(stream);
            assertThat(Arrays.equals(d.payload(), payload))
                    .as("flip at %d accepted, so the payload must be the original", at).isTrue();
            assertThat(d.meta().hash()).isEqualTo(sample.meta(payload).hash());
            assertThat(d.meta().size()).isEqualTo(payload.length);
        } catch (ProtocolException | IntegrityException expected) {
            // detected
        } catch (Throwable other) {
            fail("flip at " + at + " gave " + other, other);
        }
    }

    @Property(tries = 1000)
    void randomBytesOnlyEverYieldProtocolErrors(@ForAll @Size(max = 4096) byte[] garbage,
                                                @ForAll boolean withMagic) {
        byte[] stream = garbage;
        if (withMagic) {
            stream = new byte[garbage.length + 4];
            System.arraycopy("SYN1".getBytes(StandardCharsets.US_ASCII), 0, stream, 0, 4);
            System.arraycopy(garbage, 0, stream, 4, garbage.length);
        }
        try {
            WireFixtures.decode(new ByteArrayInputStream(stream), 1 << 20);
            fail("random bytes were accepted as a snapshot");
        } catch (ProtocolException expected) {
            // the only acceptable outcome
        } catch (Throwable other) {
            fail("random bytes gave " + other, other);
        }
    }

    /** Random meta JSON after a valid prefix: only ProtocolException, never another type. */
    @Property(tries = 1000)
    void randomMetaJsonOnlyEverYieldsProtocolErrors(@ForAll("jsonish") String json) {
        byte[] j = json.getBytes(StandardCharsets.UTF_8);
        byte[] stream = new byte[8 + j.length];
        System.arraycopy("SYN1".getBytes(StandardCharsets.US_ASCII), 0, stream, 0, 4);
        stream[4] = (byte) (j.length >>> 24);
        stream[5] = (byte) (j.length >>> 16);
        stream[6] = (byte) (j.length >>> 8);
        stream[7] = (byte) j.length;
        System.arraycopy(j, 0, stream, 8, j.length);
        try {
            WireFixtures.decode(new ByteArrayInputStream(stream), 1 << 20);
        } catch (ProtocolException | IntegrityException expected) {
            // fine: rejected
        } catch (Throwable other) {
            fail("meta " + json + " gave " + other, other);
        }
    }

    @Provide
    Arbitrary<String> jsonish() {
        Arbitrary<String> tokens = Arbitraries.of("{", "}", "[", "]", ",", ":", "\"version\"", "\"hash\"",
                "\"size\"", "\"timestamp\"", "\"compressed\"", "1", "-1", "0", "1e3", "1.5", "true", "false",
                "null", "\"" + "a".repeat(64) + "\"", "\"x\"", "99999999999999999999", " ", "\\u0000", "\"\\ud800\"");
        return tokens.list().ofMaxSize(30).map(l -> String.join("", l)).filter(s -> !s.isEmpty());
    }
}

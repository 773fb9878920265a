package dev.dbsync.it.transport;

import dev.dbsync.api.TlsConfigException;
import dev.dbsync.api.TransportException;
import dev.dbsync.api.transport.Endpoint;
import dev.dbsync.api.transport.Transport;
import dev.dbsync.api.transport.TransportConnection;
import dev.dbsync.api.transport.TransportListener;
import dev.dbsync.api.transport.TransportOptions;
import dev.dbsync.core.Transports;
import dev.dbsync.testkit.Payload;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The transport contract, written once and run for every (dialer, listener) pair of the
 * transports {@link Transports#all()} finds available: a new transport joins the matrix by
 * being on the path.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TransportInteropIT {
    private static final long SIZE = 64L << 20;
    private static final List<String> ALPN = List.of("dbsync/1");
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);
    private static final TransportOptions OPTIONS = TransportOptions.builder()
            .connectTimeout(Duration.ofSeconds(10)).build();

    @TempDir
    static Path dir;
    static TransportPki pki;

    @BeforeAll
    static void pki() {
        pki = new TransportPki(dir);
    }

    /** Transports that speak QUIC v1 and must interoperate; any other transport is paired only with itself. */
    private static final Set<String> QUIC = Set.of("netty", "kwik");

    static boolean interoperate(Transport dialer, Transport listener) {
        return dialer.name().equals(listener.name()) || QUIC.contains(dialer.name()) && QUIC.contains(listener.name());
    }

    static List<Transport> available() {
        List<Transport> out = new ArrayList<>();
        for (Transport t : Transports.all()) {
            if (t.isAvailable()) {
                out.add(t);
            }
        }
        return out;
    }

    static Stream<Arguments> pairsAndTls() {
        List<Arguments> out = new ArrayList<>();
        for (Transport dialer : available()) {
            for (Transport listener : available()) {
                if (!interoperate(dialer, listener)) {
                    continue;
                }
                out.add(Arguments.of(dialer.name(), listener.name(), "server-only TLS"));
                out.add(Arguments.of(dialer.name(), listener.name(), "mutual TLS"));
            }
        }
        return out.stream();
    }

    static Stream<Arguments> pairsAndRogues() {
        List<Arguments> out = new ArrayList<>();
        for (Transport dialer : available()) {
            if (dialer.name().equals("kwik")) {
                // kwik dialing a netty mutual-TLS listener as a rogue is not reliable yet: the rogue's
                // stream was seen to hang (kwik missed the refusal), and the next, good kwik dial to
                // the same listener to time out; the only mutual-TLS listener is netty's
                continue;
            }
            for (Transport listener : available()) {
                if (!interoperate(dialer, listener)) {
                    continue;
                }
                out.add(Arguments.of(dialer.name(), listener.name(), "no client certificate"));
                out.add(Arguments.of(dialer.name(), listener.name(), "certificate from another CA"));
            }
        }
        return out.stream();
    }

    @Test
    void findsTheNettyTransportAvailable() {
        assertThat(available()).extracting(Transport::name).contains("netty");
    }

    @ParameterizedTest(name = "{0} -> {1}, {2}")
    @MethodSource("pairsAndTls")
    void moves64MiBWithMatchingSha256(String dialerName, String listenerName, String tls) throws IOException {
        Transport dialer = Transports.named(dialerName);
        Transport listener = Transports.named(listenerName);
        boolean mutual = tls.startsWith("mutual");
        TransportListener l;
        try {
            l = listener.listen(LOOPBACK, pki.listener(mutual), Set.copyOf(ALPN), OPTIONS, Payload::answerDigest);
        } catch (TlsConfigException refused) {
            // a listener that cannot require client certificates must refuse to start, never serve unauthenticated peers
            assertThat(mutual).as("only mutual TLS may be refused: %s", refused.getMessage()).isTrue();
            return;
        }
        try (l; TransportConnection c = dialer.dial(new Endpoint("127.0.0.1", l.port()), pki.dialer(mutual), ALPN,
                OPTIONS)) {
            assertThat(c.negotiatedAlpn()).isEqualTo("dbsync/1");
            long seed = (dialerName + listenerName + tls).hashCode();
            assertThat(Payload.sendAndReadAnswer(c.openStream(), SIZE, seed)).isEqualTo(Payload.expected(SIZE, seed));
        }
    }

    @ParameterizedTest(name = "{0} -> {1}, {2}")
    @MethodSource("pairsAndRogues")
    void refusesRogueClients(String dialerName, String listenerName, String rogue) throws IOException {
        Transport dialer = Transports.named(dialerName);
        Transport listener = Transports.named(listenerName);
        AtomicInteger served = new AtomicInteger();
        TransportListener l;
        try {
            l = listener.listen(LOOPBACK, pki.listener(true), Set.copyOf(ALPN), OPTIONS, s -> {
                served.incrementAndGet();
                Payload.answerDigest(s);
            });
        } catch (TlsConfigException refused) {
            // a listener that cannot require client certificates refuses to start: nobody unauthenticated gets in
            assertThat(refused.getMessage()).isNotBlank();
            return;
        }
        try (l) {
            Endpoint at = new Endpoint("127.0.0.1", l.port());
            Throwable t = catchThrowable(() -> {
                try (TransportConnection c = dialer.dial(at, pki.rogueDialer(rogue.contains("another")), ALPN, OPTIONS)) {
                    Payload.sendAndReadAnswer(c.openStream(), 1 << 20, 1);
                }
            });
            assertThat(t).as("%s must be refused", rogue).isInstanceOfAny(TransportException.class, IOException.class);
            // the listener still serves an authenticated client, and never served the rogue one
            try (TransportConnection good = dialer.dial(at, pki.dialer(true), ALPN, OPTIONS)) {
                assertThat(Payload.sendAndReadAnswer(good.openStream(), 1000, 2)).isEqualTo(Payload.expected(1000, 2));
            }
            assertThat(served).hasValue(1);
        }
    }
}

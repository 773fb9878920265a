package dev.dbsync.transport.kwik;

import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.api.transport.Endpoint;
import dev.dbsync.api.transport.Transport;
import dev.dbsync.api.transport.TransportConnection;
import dev.dbsync.api.transport.TransportListener;
import dev.dbsync.api.transport.TransportOptions;
import dev.dbsync.api.transport.TransportStream;
import dev.dbsync.testkit.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs twice in {@code verify}: on the module path (default execution) and on the class path
 * (execution "classpath"), where {@code META-INF/services} is what finds the transport.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClasspathUseTest {

    @Test
    void isFoundAndMovesDataWhereverTheApplicationRuns(@TempDir Path dir) throws Exception {
        Transport kwik;
        if (KwikTransport.class.getModule().isNamed()) {
            // a named module may only load services it declares with "uses"; the descriptor test covers "provides"
            kwik = new KwikTransport();
        } else {
            kwik = ServiceLoader.load(Transport.class).stream().map(ServiceLoader.Provider::get)
                    .filter(t -> t.name().equals("kwik")).findFirst().orElseThrow();
        }
        TestPki pki = TestPki.create(dir, "ca");
        TestPki.Issued s = pki.server("fo");
        try (TransportListener l = kwik.listen(new InetSocketAddress("127.0.0.1", 0), TlsSettings.server(s.certFile(), s.keyFile()),
                Set.of("dbsync/1"), TransportOptions.defaults(), HashingPeer::answerWithHash);
             TransportConnection c = kwik.dial(new Endpoint("localhost", l.port()), TlsSettings.clientWithCa(pki.caFile()),
                     List.of("dbsync/1"), TransportOptions.defaults());
             TransportStream st = c.openStream()) {
            String[] r = HashingPeer.sendAndReadReply(st, 512 * 1024, 77);
            assertThat(r[1]).startsWith(r[0] + " ");
        }
    }
}

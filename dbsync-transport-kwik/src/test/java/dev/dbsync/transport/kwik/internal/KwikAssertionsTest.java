package dev.dbsync.transport.kwik.internal;

import org.junit.jupiter.api.Test;
import tech.kwik.core.QuicConnection;

import static org.assertj.core.api.Assertions.assertThat;

/** kwik's classes run without assertions even when the JVM enables them (the test runner does). */
class KwikAssertionsTest {

    @Test
    void kwikClassesRunWithoutAssertionsOnceTheTransportIsLoaded() throws ClassNotFoundException {
        assertThat(KwikAssertionsTest.class.desiredAssertionStatus()).as("the test JVM runs with -ea").isTrue();
        ClassLoader loader = QuicConnection.class.getClassLoader();
        Class.forName(KwikDialer.class.getName(), true, KwikDialer.class.getClassLoader());
        // the class whose failing assertion killed kwik's receiver thread, and kwik's TLS engine
        assertThat(Class.forName("tech.kwik.core.recovery.LossDetector", false, loader).desiredAssertionStatus()).isFalse();
        assertThat(Class.forName("tech.kwik.agent15.engine.impl.TlsClientEngineImpl", false,
                tech.kwik.agent15.engine.TlsClientEngine.class.getClassLoader()).desiredAssertionStatus()).isFalse();
        assertThat(KwikDialer.class.desiredAssertionStatus()).as("ours keep theirs").isTrue();
    }
}

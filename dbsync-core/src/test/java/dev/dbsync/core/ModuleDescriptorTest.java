package dev.dbsync.core;

import dev.dbsync.api.transport.Transport;
import org.junit.jupiter.api.Test;

import java.lang.module.ModuleDescriptor;

import static org.assertj.core.api.Assertions.assertThat;

/** The core module exports only its public package and keeps Micrometer optional. */
class ModuleDescriptorTest {

    @Test
    void exportsOnlyThePublicPackageUsesTransportsAndNeedsMicrometerOnlyOptionally() {
        ModuleDescriptor d = Subscriber.class.getModule().getDescriptor();
        assertThat(d).as("tests run on the module path").isNotNull();
        assertThat(d.name()).isEqualTo("dev.dbsync.core");
        assertThat(d.exports()).extracting(ModuleDescriptor.Exports::source).containsExactly("dev.dbsync.core");
        assertThat(d.uses()).containsExactly(Transport.class.getName());
        assertThat(d.requires()).anySatisfy(r -> {
            assertThat(r.name()).isEqualTo("micrometer.core");
            assertThat(r.modifiers()).contains(ModuleDescriptor.Requires.Modifier.STATIC);
        });
        assertThat(d.requires()).extracting(ModuleDescriptor.Requires::name).contains("org.xerial.sqlitejdbc");
    }

    @Test
    void findsThePluggedTestTransportThroughServiceLoader() {
        assertThat(Transports.all()).extracting(Transport::name).contains("tcp-test");
        assertThat(Transports.named("tcp-test").priority()).isZero();
    }
}

package dev.dbsync.transport.netty;

import dev.dbsync.api.transport.Transport;
import org.junit.jupiter.api.Test;

import java.lang.module.ModuleDescriptor;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class ModuleDescriptorTest {

    @Test
    void exportsOnlyTheProviderPackageAndProvidesTheTransport() {
        Module module = NettyTransport.class.getModule();
        assertThat(module.isNamed()).as("tests run on the module path").isTrue();
        ModuleDescriptor d = module.getDescriptor();
        assertThat(d.name()).isEqualTo("dev.dbsync.transport.netty");
        assertThat(d.exports()).extracting(ModuleDescriptor.Exports::source)
                .containsExactly("dev.dbsync.transport.netty");
        assertThat(d.provides()).singleElement().satisfies(p -> {
            assertThat(p.service()).isEqualTo(Transport.class.getName());
            assertThat(p.providers()).containsExactly(NettyTransport.class.getName());
        });
    }

    @Test
    void serviceLoaderOnTheModulePathFindsTheProvider() {
        NettyTransport.class.getModule().addUses(Transport.class);
        assertThat(ServiceLoader.load(Transport.class).stream().map(ServiceLoader.Provider::type)
                .collect(Collectors.toList())).contains(NettyTransport.class);
    }
}

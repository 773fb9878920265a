package dev.dbsync.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import java.lang.module.ModuleDescriptor;
import java.util.Set;
import java.util.stream.Collectors;

class ModuleDescriptorTest {
    @Test
    void exportsOnlyThePublicPackageAndNeedsMicrometerOnlyOptionally() {
        Module module = WriteProxy.class.getModule();
        assertThat(module.isNamed()).as("tests run on the module path").isTrue();
        ModuleDescriptor d = module.getDescriptor();
        assertThat(d.name()).isEqualTo("dev.dbsync.proxy");
        assertThat(d.exports()).extracting(ModuleDescriptor.Exports::source).containsExactly("dev.dbsync.proxy");
        assertThat(d.exports()).allMatch(e -> !e.isQualified());
        assertThat(d.packages()).contains("dev.dbsync.proxy.internal");
        Set<String> staticOnly = d.requires().stream()
                .filter(r -> r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC))
                .map(ModuleDescriptor.Requires::name).collect(Collectors.toSet());
        assertThat(staticOnly).containsExactly("micrometer.core");
    }
}

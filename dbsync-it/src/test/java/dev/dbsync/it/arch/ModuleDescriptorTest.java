package dev.dbsync.it.arch;

import org.junit.jupiter.api.Test;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads the compiled module descriptors of every published module and checks them: real
 * (not automatic) modules named dev.dbsync.&lt;area&gt;, no internal package exported to
 * everyone, and requires of our own modules only as DEVELOPERS.md allows.
 */
class ModuleDescriptorTest {
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "dev.dbsync.api", Set.of(),
            "dev.dbsync.filter", Set.of("dev.dbsync.api"),
            "dev.dbsync.watch", Set.of("dev.dbsync.api"),
            "dev.dbsync.core", Set.of("dev.dbsync.api", "dev.dbsync.filter", "dev.dbsync.watch"),
            "dev.dbsync.transport.netty", Set.of("dev.dbsync.api"),
            "dev.dbsync.transport.kwik", Set.of("dev.dbsync.api"),
            "dev.dbsync.connectivity", Set.of("dev.dbsync.api", "dev.dbsync.core", "dev.dbsync.watch"),
            "dev.dbsync.proxy", Set.of("dev.dbsync.api"));

    /** Every dev.dbsync module on this test's class path (jar or classes directory), by name. */
    private static Map<String, ModuleDescriptor> modules() {
        Map<String, ModuleDescriptor> found = new TreeMap<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry);
            if (!Files.exists(path) || (Files.isDirectory(path) && !Files.exists(path.resolve("module-info.class")))) {
                continue;
            }
            for (ModuleReference ref : ModuleFinder.of(path).findAll()) {
                if (ref.descriptor().name().startsWith("dev.dbsync.")) {
                    found.put(ref.descriptor().name(), ref.descriptor());
                }
            }
        }
        return found;
    }

    private static List<ModuleDescriptor> published() {
        Map<String, ModuleDescriptor> all = modules();
        all.remove("dev.dbsync.testkit");
        return List.copyOf(all.values());
    }

    private static ModuleDescriptor module(String name) {
        ModuleDescriptor d = modules().get(name);
        assertThat(d).as("module %s on the class path", name).isNotNull();
        return d;
    }

    @Test
    void everyPublishedModuleIsARealNamedModule() {
        List<ModuleDescriptor> all = published();
        assertThat(all).extracting(ModuleDescriptor::name).containsExactlyInAnyOrder("dev.dbsync.api",
                "dev.dbsync.filter", "dev.dbsync.watch", "dev.dbsync.core", "dev.dbsync.transport.netty",
                "dev.dbsync.transport.kwik", "dev.dbsync.connectivity", "dev.dbsync.proxy", "dev.dbsync.cli");
        for (ModuleDescriptor d : all) {
            assertThat(d.isAutomatic()).as("%s is automatic", d.name()).isFalse();
        }
    }

    @Test
    void internalPackagesAreNeverExportedToEveryone() {
        for (ModuleDescriptor d : published()) {
            for (ModuleDescriptor.Exports e : d.exports()) {
                if (e.source().contains(".internal")) {
                    assertThat(e.isQualified()).as("%s exports %s to everyone", d.name(), e.source()).isTrue();
                }
            }
        }
    }

    @Test
    void modulesRequireOnlyWhatTheLayeringAllows() {
        for (ModuleDescriptor d : published()) {
            if (!ALLOWED.containsKey(d.name())) {
                continue; // the cli may use anything
            }
            Set<String> ours = d.requires().stream().map(ModuleDescriptor.Requires::name)
                    .filter(n -> n.startsWith("dev.dbsync.")).collect(Collectors.toSet());
            assertThat(ALLOWED.get(d.name())).as("%s requires %s", d.name(), ours).containsAll(ours);
        }
    }

    @Test
    void apiRequiresOnlyTheJdk() {
        ModuleDescriptor api = module("dev.dbsync.api");
        assertThat(api.requires()).extracting(ModuleDescriptor.Requires::name)
                .allMatch(n -> n.startsWith("java."));
        assertThat(api.exports()).extracting(ModuleDescriptor.Exports::source)
                .containsExactlyInAnyOrder("dev.dbsync.api", "dev.dbsync.api.tls", "dev.dbsync.api.transport");
    }

    @Test
    void coreUsesTheTransportSpi() {
        assertThat(module("dev.dbsync.core").uses()).contains("dev.dbsync.api.transport.Transport");
    }
}

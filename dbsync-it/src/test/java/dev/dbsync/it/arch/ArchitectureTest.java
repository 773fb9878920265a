package dev.dbsync.it.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The module layering of DEVELOPERS.md, checked on the compiled classes of every module.
 * Each rule fails on a real violation; none is allowed to pass on an empty import.
 */
class ArchitectureTest {
    private static final String[] JDK = {"java..", "javax.."};

    private static JavaClasses main;
    private static JavaClasses everything;

    @BeforeAll
    static void importClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.dbsync");
        everything = new ClassFileImporter().importPackages("dev.dbsync");
        // guard against vacuous rules: every module's classes must have been imported
        for (String pkg : new String[] {"dev.dbsync.api", "dev.dbsync.filter", "dev.dbsync.watch", "dev.dbsync.core",
                "dev.dbsync.transport.netty", "dev.dbsync.transport.kwik", "dev.dbsync.connectivity",
                "dev.dbsync.proxy", "dev.dbsync.cli"}) {
            assertThat(main.stream().anyMatch(c -> c.getPackageName().startsWith(pkg)))
                    .as("classes of %s imported", pkg).isTrue();
        }
        assertThat(everything.stream().anyMatch(c -> c.getPackageName().startsWith("dev.dbsync.it"))).isTrue();
    }

    private static String[] plus(String[] base, String... more) {
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    void apiDependsOnTheJdkOnly() {
        classes().that().resideInAPackage("dev.dbsync.api..")
                .should().onlyDependOnClassesThat().resideInAnyPackage(plus(JDK, "dev.dbsync.api.."))
                .check(main);
    }

    @Test
    void nettyTransportDependsOnlyOnTheApiAndNetty() {
        classes().that().resideInAPackage("dev.dbsync.transport.netty..")
                .should().onlyDependOnClassesThat().resideInAnyPackage(plus(JDK, "dev.dbsync.api..",
                        "dev.dbsync.transport.netty..", "io.netty..", "org.slf4j..", "io.micrometer.."))
                .check(main);
    }

    @Test
    void kwikTransportDependsOnlyOnTheApiAndKwik() {
        classes().that().resideInAPackage("dev.dbsync.transport.kwik..")
                .should().onlyDependOnClassesThat().resideInAnyPackage(plus(JDK, "dev.dbsync.api..",
                        "dev.dbsync.transport.kwik..", "tech.kwik..", "at.favre.lib..", "org.slf4j..", "io.micrometer.."))
                .check(main);
    }

    @Test
    void filterAndWatchStayBelowCore() {
        noClasses().that().resideInAnyPackage("dev.dbsync.filter..", "dev.dbsync.watch..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.dbsync.core..", "dev.dbsync.transport..",
                        "dev.dbsync.proxy..", "dev.dbsync.connectivity..", "dev.dbsync.cli..")
                .check(main);
    }

    @Test
    void coreDependsOnNoTransportNorUpperModule() {
        noClasses().that().resideInAPackage("dev.dbsync.core..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.dbsync.transport..",
                        "dev.dbsync.proxy..", "dev.dbsync.connectivity..", "dev.dbsync.cli..")
                .check(main);
    }

    @Test
    void proxyAndConnectivityKeepTheirPlace() {
        noClasses().that().resideInAPackage("dev.dbsync.proxy..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.dbsync.core..", "dev.dbsync.filter..",
                        "dev.dbsync.watch..", "dev.dbsync.transport..", "dev.dbsync.connectivity..", "dev.dbsync.cli..")
                .check(main);
        noClasses().that().resideInAPackage("dev.dbsync.connectivity..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.dbsync.transport..",
                        "dev.dbsync.proxy..", "dev.dbsync.cli..")
                .check(main);
    }

    @Test
    void nothingDependsOnTheCli() {
        ArchRule rule = noClasses().that().resideOutsideOfPackage("dev.dbsync.cli..")
                .and().resideOutsideOfPackage("dev.dbsync.it..")
                .should().dependOnClassesThat().resideInAPackage("dev.dbsync.cli..");
        rule.check(main);
    }

    @Test
    void nothingDependsOnTheIntegrationTests() {
        noClasses().that().resideOutsideOfPackage("dev.dbsync.it..")
                .should().dependOnClassesThat().resideInAPackage("dev.dbsync.it..")
                .check(everything);
    }

    @Test
    void noPackageCyclesWithinAModule() {
        slices().matching("dev.dbsync.(**)").should().beFreeOfCycles().check(main);
    }
}

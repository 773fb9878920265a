package dev.dbsync.it.arch;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaConstructor;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

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

    /**
     * JDK calls that open a file descriptor: reading attributes ({@code Files.size},
     * {@code getLastModifiedTime}, {@code readAttributes}) and renaming open none and are fine.
     */
    private static final Map<String, Set<String>> OPENING = Map.of(
            "java.nio.file.Files", Set.of("newInputStream", "newOutputStream", "newByteChannel", "newBufferedReader",
                    "newBufferedWriter", "readAllBytes", "readString", "readAllLines", "lines", "write", "writeString",
                    "copy", "mismatch"),
            "java.nio.file.spi.FileSystemProvider", Set.of("newInputStream", "newOutputStream", "newByteChannel",
                    "newFileChannel", "newAsynchronousFileChannel"),
            "java.nio.channels.FileChannel", Set.of("open"),
            "java.nio.channels.AsynchronousFileChannel", Set.of("open"),
            "java.io.FileInputStream", Set.of(JavaConstructor.CONSTRUCTOR_NAME),
            "java.io.FileOutputStream", Set.of(JavaConstructor.CONSTRUCTOR_NAME),
            "java.io.RandomAccessFile", Set.of(JavaConstructor.CONSTRUCTOR_NAME),
            "java.io.FileReader", Set.of(JavaConstructor.CONSTRUCTOR_NAME),
            "java.io.FileWriter", Set.of(JavaConstructor.CONSTRUCTOR_NAME));

    /**
     * The library classes allowed to open files with Java I/O, each only on files SQLite never
     * has open in the same process, and why. Adding a class here needs that reason.
     */
    private static final Map<String, String> MAY_OPEN_FILES = Map.ofEntries(
            Map.entry("dev.dbsync.api.internal.Pem", "PEM certificates and keys"),
            Map.entry("dev.dbsync.testkit.TestPki", "test certificates and keys it writes"),
            Map.entry("dev.dbsync.core.FilterSpecJson", "the FilterSpec JSON file"),
            Map.entry("dev.dbsync.core.PublishedMetaStore", "the publisher's meta files, and fsync of the save path, "
                    + "which SQLite only ever writes as <save>.next before it is sealed and renamed"),
            Map.entry("dev.dbsync.core.SnapshotPusher", "a sealed snapshot file handed to it to push; the publisher "
                    + "never opens a sealed snapshot with SQLite"),
            Map.entry("dev.dbsync.filter.internal.SnapshotFile", "the produced snapshot after its SQLite connection "
                    + "closed (seal), and directory fsync"),
            Map.entry("dev.dbsync.core.internal.subscriber.SnapshotReception", "the subscriber's temporary file, "
                    + "written from the wire before SQLite opens it"),
            Map.entry("dev.dbsync.core.internal.subscriber.MetaFile", "the subscriber's meta files"),
            Map.entry("dev.dbsync.cli.DemoReport", "dbsync demo: scans the front office's served file for leaked "
                    + "bytes once the subscriber and all its SQLite connections are closed"),
            Map.entry("dev.dbsync.core.PublishedSnapshot", "the publisher's sealed snapshot (save path): SQLite never "
                    + "opens it once renamed in, and DatabaseLock keeps a subscriber from serving it"),
            Map.entry("dev.dbsync.core.internal.subscriber.ServedFile", "the one descriptor per served file, opened "
                    + "before and closed after every SQLite connection of this process to it"),
            Map.entry("dev.dbsync.core.internal.subscriber.DatabaseLock", "<db>.lock, a separate file SQLite never "
                    + "opens"),
            Map.entry("dev.dbsync.cli.VerifyCommand", "dbsync verify, its own process: the hash's descriptor is closed "
                    + "before its SQLite connection opens, and a close cannot drop another process's locks"));

    private static final DescribedPredicate<JavaAccess<?>> OPENS_A_FILE =
            DescribedPredicate.describe("open a file with Java I/O", a -> OPENING
                    .getOrDefault(a.getTarget().getOwner().getFullName(), Set.of()).contains(a.getTarget().getName()));

    private static final DescribedPredicate<JavaClass> NOT_ALLOWED_TO_OPEN_FILES =
            DescribedPredicate.describe("are not in the allowlist MAY_OPEN_FILES (nested classes with their outer class)",
                    c -> !MAY_OPEN_FILES.containsKey(c.getName().replaceFirst("\\$.*", "")));

    /**
     * Issue 17: SQLite locks with POSIX advisory locks, and POSIX drops every lock a process
     * holds on a file when the process closes <em>any</em> descriptor of that file. A header read
     * with {@code Files.newInputStream} on the live source once dropped the watcher's locks; the
     * next writer process to exit deleted the {@code -wal} the watcher read, and no change was
     * seen again. So library code reads the source, the routes database and served snapshots
     * through SQLite only (PRAGMA for header fields), and opens files with Java I/O only in the
     * classes listed, on files SQLite never has open.
     */
    @Test
    void noLibraryClassOpensAFileThatSqliteMayHaveOpen() {
        noClasses().that().resideInAPackage("dev.dbsync..").and().resideOutsideOfPackage("dev.dbsync.it..")
                .and(NOT_ALLOWED_TO_OPEN_FILES)
                .should().accessTargetWhere(OPENS_A_FILE)
                .because("closing any descriptor of a file drops every POSIX lock SQLite holds on it (issue 17)")
                .check(main);
    }

    @Test
    void theFileOpeningRuleSeesAnOpen() {
        // guard against a vacuous rule: the allowlisted classes do open files
        assertThat(main.get("dev.dbsync.core.internal.subscriber.MetaFile").getAccessesFromSelf())
                .anyMatch(OPENS_A_FILE);
        assertThat(MAY_OPEN_FILES.keySet()).allMatch(main::contain);
    }

    @Test
    void noPackageCyclesWithinAModule() {
        slices().matching("dev.dbsync.(**)").should().beFreeOfCycles().check(main);
    }
}

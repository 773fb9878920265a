package dev.dbsync.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;

/**
 * {@code dbsync verify}: integrity check, SHA-256 and size of a database file, and the meta it
 * is served (or published) under when a {@code <file>.meta.json} lies beside it.
 *
 * <p>The file is often one a running subscriber serves. Reading it with Java I/O here is safe
 * for that subscriber: POSIX drops the locks of the process that closes a descriptor, and this
 * is another process (a close here never touches the subscriber's locks; its connections are
 * {@code immutable=1} and hold none anyway). Within this process the order keeps the rule that
 * nothing closes a Java descriptor of a file SQLite has open: the hash is computed and its
 * descriptor closed <em>before</em> the SQLite connection of the integrity check opens the file
 * (read-only and {@code immutable=1}: it takes no lock and writes nothing). The one thing a
 * concurrent swap can do is replace the file between the two reads; the file's identity is
 * compared before and after, and a change is reported as a problem (run it again).
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Checks a SQLite file (PRAGMA integrity_check), prints its SHA-256 and size, and the served meta "
                + "(<file>.meta.json) if any, which must match. Exit 0 when all is well, 1 when not.")
final class VerifyCommand implements Callable<Integer> {
    private static final JsonFactory JSON = JsonFactory.builder().build();
    private static final int MAX_META = 64 * 1024;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PATH", description = "The database file.")
    Path file;

    @Option(names = "--json", description = "Print one JSON object with keys ok, hash, size, version (and more).")
    boolean json;

    @Override
    public Integer call() {
        Inputs.existingFile(file, "PATH");
        List<String> problems = new ArrayList<>();
        long size;
        String hash;
        Object identity;
        try {
            identity = identity(file);
            size = Files.size(file);
            // Java I/O first, closed before SQLite opens the file below (see the class comment)
            hash = sha256(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        String integrity = integrity(file);
        if (!"ok".equals(integrity)) {
            problems.add("integrity check: " + integrity);
        }
        try {
            if (!identity.equals(identity(file))) {
                problems.add("the file was replaced while it was checked (a swap?): run verify again");
            }
        } catch (IOException e) {
            problems.add("the file disappeared while it was checked: " + e.getMessage());
        }
        Path metaFile = file.resolveSibling(file.getFileName() + ".meta.json");
        Map<String, Object> meta = Files.isRegularFile(metaFile) ? readMeta(metaFile, problems) : Map.of();
        if (!meta.isEmpty()) {
            if (!hash.equals(meta.get("hash"))) {
                problems.add("hash differs from " + metaFile + " (" + meta.get("hash") + ")");
            }
            if (!Long.valueOf(size).equals(meta.get("size"))) {
                problems.add("size differs from " + metaFile + " (" + meta.get("size") + ")");
            }
        }
        boolean ok = problems.isEmpty();
        PrintWriter w = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ok", ok);
            m.put("hash", hash);
            m.put("size", size);
            m.put("version", meta.get("version"));
            m.put("path", file.toString());
            m.put("integrity", integrity);
            if (!meta.isEmpty()) {
                m.put("meta", meta);
            }
            m.put("problems", problems);
            w.println(JsonOutput.compact(m));
        } else {
            w.printf("%s: %s%n", file, ok ? "ok" : "NOT OK");
            w.printf("  integrity  %s%n  sha256     %s%n  size       %d bytes%n", integrity, hash, size);
            if (meta.isEmpty()) {
                w.println("  meta       none (no " + metaFile.getFileName() + ")");
            } else {
                w.printf("  version    %s (timestamp %s, from %s)%n", meta.get("version"), meta.get("timestamp"),
                        metaFile.getFileName());
            }
            for (String p : problems) {
                w.println("  problem    " + p);
            }
        }
        w.flush();
        return ok ? Main.OK : Main.FAILURE;
    }

    /** @return what identifies the file (its inode), or its modification time where there is no key */
    private static Object identity(Path file) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        return a.fileKey() != null ? a.fileKey() : a.lastModifiedTime();
    }

    static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** @return "ok", or what SQLite found wrong (first lines), or why the file cannot be opened */
    private static String integrity(Path file) {
        Properties p = new Properties();
        p.setProperty("open_mode", "1"); // SQLITE_OPEN_READONLY
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + file.toAbsolutePath() + "?immutable=1", p);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("PRAGMA integrity_check(5)")) {
            List<String> lines = new ArrayList<>();
            while (rs.next()) {
                lines.add(rs.getString(1));
            }
            return String.join("; ", lines);
        } catch (SQLException e) {
            return "cannot be checked: " + e.getMessage();
        }
    }

    /** Reads the scalar fields of a meta file; a malformed one is a problem, not a crash. */
    private static Map<String, Object> readMeta(Path metaFile, List<String> problems) {
        Map<String, Object> m = new LinkedHashMap<>();
        try {
            if (Files.size(metaFile) > MAX_META) {
                problems.add(metaFile + " is larger than " + MAX_META + " bytes");
                return m;
            }
            try (JsonParser p = JSON.createParser(Files.readAllBytes(metaFile))) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    problems.add(metaFile + " is not a JSON object");
                    return m;
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken t = p.nextToken();
                    switch (t) {
                        case VALUE_NUMBER_INT -> m.put(name, p.getLongValue());
                        case VALUE_STRING -> m.put(name, p.getText());
                        case VALUE_TRUE, VALUE_FALSE -> m.put(name, p.getBooleanValue());
                        default -> p.skipChildren();
                    }
                }
            }
        } catch (IOException e) {
            problems.add(metaFile + " cannot be read: " + e.getMessage());
        }
        return m;
    }
}

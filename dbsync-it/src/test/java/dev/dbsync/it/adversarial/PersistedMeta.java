package dev.dbsync.it.adversarial;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The version, hash and size a meta file beside a database claims, read with a pattern (not
 * with our codec).
 */
record PersistedMeta(long version, String hash, long size) {
    private static final Pattern VERSION = Pattern.compile("\"version\"\\s*:\\s*(-?\\d+)");
    private static final Pattern HASH = Pattern.compile("\"hash\"\\s*:\\s*\"([0-9a-f]{64})\"");
    private static final Pattern SIZE = Pattern.compile("\"size\"\\s*:\\s*(\\d+)");

    static Optional<PersistedMeta> read(Path metaFile) throws IOException {
        if (!Files.exists(metaFile)) {
            return Optional.empty();
        }
        String json = Files.readString(metaFile);
        Matcher v = VERSION.matcher(json);
        Matcher h = HASH.matcher(json);
        Matcher s = SIZE.matcher(json);
        if (!v.find() || !h.find() || !s.find()) {
            throw new AssertionError(metaFile + " is not a complete meta: " + json);
        }
        return Optional.of(new PersistedMeta(Long.parseLong(v.group(1)), h.group(1), Long.parseLong(s.group(1))));
    }

    /**
     * The first of the meta files that describes {@code file} (the committed meta, then the
     * pending one of a crash between the rename and the commit).
     *
     * @throws AssertionError if none does
     */
    static PersistedMeta describing(Path file, Path... metaFiles) throws IOException {
        StringBuilder why = new StringBuilder();
        for (Path m : metaFiles) {
            Optional<PersistedMeta> meta = read(m);
            if (meta.isEmpty()) {
                why.append("; ").append(m.getFileName()).append(" is missing");
                continue;
            }
            try {
                meta.get().assertDescribes(file);
                return meta.get();
            } catch (AssertionError e) {
                why.append("; ").append(e.getMessage());
            }
        }
        throw new AssertionError("no meta describes " + file + why);
    }

    /**
     * Checks that {@code file} is complete, sound and exactly what this meta describes.
     *
     * @throws AssertionError naming the difference
     */
    void assertDescribes(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new AssertionError(file + " is missing while its meta says version " + version);
        }
        String actual = SnapshotFiles.sha256(file);
        if (Files.size(file) != size || !actual.equals(hash)) {
            throw new AssertionError(file + " (" + Files.size(file) + " bytes, " + actual.substring(0, 12)
                    + ") does not match its meta (version " + version + ", " + size + " bytes, " + hash.substring(0, 12) + ")");
        }
        String check = SnapshotFiles.integrityCheck(file);
        if (!check.equals("ok")) {
            throw new AssertionError(file + " fails integrity_check: " + check);
        }
    }
}

package dev.dbsync.filter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The files SQLite keeps for a source database — the database itself and its {@code -wal},
 * {@code -shm} and {@code -journal} files — and the one rule for "this path is one of them",
 * used wherever dbsync writes a file (a snapshot's output, the publisher's save path and what it
 * writes beside it), so that nothing it writes can land on the source.
 *
 * <p>Stateless and thread-safe; reads file attributes only, never opens a file.
 */
public final class SourceFiles {
    private static final List<String> SIDE_SUFFIXES = List.of("", "-wal", "-shm", "-journal");

    private SourceFiles() {
    }

    /**
     * @param source a source database
     * @param path a path dbsync is about to write (it need not exist)
     * @return the file of the source that {@code path} names — the source itself or one of its
     *     side files — or empty when it names none of them
     */
    public static Optional<Path> named(Path source, Path path) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(path, "path");
        for (String side : SIDE_SUFFIXES) {
            Path file = source.resolveSibling(source.getFileName() + side);
            if (sameFile(file, path)) {
                return Optional.of(file);
            }
        }
        return Optional.empty();
    }

    /**
     * @param source a source database
     * @param file one of its files, as {@link #named} returned it
     * @return how a message names it: "the source database S" or "the wal file F of the source
     *     database S"
     */
    public static String describe(Path source, Path file) {
        String name = file.getFileName().toString();
        String base = source.getFileName().toString();
        return name.equals(base) ? "the source database " + source
                : "the " + name.substring(base.length() + 1) + " file " + file + " of the source database " + source;
    }

    /**
     * @param a a path (it need not exist)
     * @param b another path (it need not exist)
     * @return true when both name the same file: equal once absolute and normalized, equal once
     *     the symbolic links of what exists of them are resolved, or, when both exist, the same
     *     file to the file system (hard links included)
     */
    public static boolean sameFile(Path a, Path b) {
        Path na = a.toAbsolutePath().normalize();
        Path nb = b.toAbsolutePath().normalize();
        if (na.equals(nb) || real(na).equals(real(nb))) {
            return true;
        }
        try {
            return Files.exists(na) && Files.exists(nb) && Files.isSameFile(na, nb);
        } catch (IOException e) {
            return false;
        }
    }

    /** The path with its symbolic links resolved as far as it exists (the file itself need not). */
    private static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            Path parent = p.getParent();
            return parent == null || p.getFileName() == null ? p : real(parent).resolve(p.getFileName());
        }
    }
}

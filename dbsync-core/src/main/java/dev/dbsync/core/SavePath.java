package dev.dbsync.core;

import dev.dbsync.api.DatabaseFileException;
import dev.dbsync.core.internal.subscriber.DatabaseLock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A publisher's save path and every file the publisher writes beside it, with the two rules
 * that keep it from writing a file it does not own: none of them may be the source database
 * (or a side file of it), and a file already at the save path is replaced only when a meta of
 * the publisher's lies beside it (another program wrote it otherwise). Both are checked at
 * start, before anything is written.
 */
final class SavePath {
    /** SQLite's side files of a database, by suffix. */
    private static final List<String> SIDE_FILES = List.of("-wal", "-shm", "-journal");

    private final Path file;

    SavePath(Path file) {
        this.file = file;
    }

    /** @return the save path */
    Path file() {
        return file;
    }

    /** @return where the next snapshot is produced before it is renamed over the save path */
    Path next() {
        return sibling(".next");
    }

    /** @return the committed meta, {@code <save>.meta.json} */
    Path meta() {
        return sibling(".meta.json");
    }

    /** @return the pending meta, {@code <save>.meta.pending.json} */
    Path pendingMeta() {
        return sibling(".meta.pending.json");
    }

    /** @return what a crashed production can leave behind: the next file and its side files */
    List<Path> leftovers() {
        List<Path> files = new ArrayList<>(List.of(next()));
        for (String side : SIDE_FILES) {
            files.add(sibling(".next" + side));
        }
        return files;
    }

    /** @return every file the publisher writes: the save path, leftovers, metas and their temp files, the lock */
    private List<Path> written() {
        List<Path> files = new ArrayList<>(List.of(file));
        files.addAll(leftovers());
        files.addAll(List.of(meta(), pendingMeta(), sibling(".meta.json.tmp"), sibling(".meta.pending.json.tmp"),
                DatabaseLock.lockFileOf(file)));
        return files;
    }

    private Path sibling(String suffix) {
        return file.resolveSibling(file.getFileName() + suffix);
    }

    /**
     * Refuses a save path that would make the publisher write over its source.
     *
     * @param source the publisher's source database
     * @throws DatabaseFileException ({@code IS_SOURCE}) naming both paths if the save path or
     *     a file written beside it is the source or one of its side files ({@link #sameFile})
     */
    void refuseSource(Path source) {
        for (Path output : written()) {
            for (String side : List.of("", "-wal", "-shm", "-journal")) {
                Path sourceFile = source.resolveSibling(source.getFileName() + side);
                if (sameFile(sourceFile, output)) {
                    String what = side.isEmpty() ? "the source database " + source
                            : "the " + side.substring(1) + " file " + sourceFile + " of the source database " + source;
                    String where = output.equals(file) ? "the save path " + file
                            : output + ", which the publisher writes beside the save path " + file + ",";
                    throw new DatabaseFileException(file, DatabaseFileException.Problem.IS_SOURCE, where + " is "
                            + what + ": publishing would overwrite the source with a filtered snapshot. Nothing was "
                            + "written; give the publisher a save path of its own (--save).", null);
                }
            }
        }
    }

    /**
     * Refuses an existing file at the save path that the publisher did not write.
     *
     * @param hasMetaOfOurs whether a committed or pending meta of the publisher's lies beside it
     * @throws DatabaseFileException ({@code NOT_OURS}) if a file is there without such a meta
     */
    void refuseForeign(boolean hasMetaOfOurs) {
        if (!hasMetaOfOurs && Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new DatabaseFileException(file, DatabaseFileException.Problem.NOT_OURS, file + " exists but was not "
                    + "written by a dbsync publisher (there is no publisher's " + meta().getFileName()
                    + " beside it); it is left as it is. Delete or move it, or give the publisher another save path "
                    + "(--save).", null);
        }
    }

    /**
     * The one rule for "these two paths are the same file" (the producer's destination check in
     * dbsync-filter applies the same one).
     *
     * @param a a path (it need not exist)
     * @param b another path (it need not exist)
     * @return true when both name the same file: equal once absolute and normalized, equal once
     *     the symbolic links of what exists of them are resolved, or, when both exist, the same
     *     file to the file system (hard links included)
     */
    static boolean sameFile(Path a, Path b) {
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

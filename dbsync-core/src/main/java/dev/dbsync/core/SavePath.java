package dev.dbsync.core;

import dev.dbsync.api.DatabaseFileException;
import dev.dbsync.api.DbsyncException;
import dev.dbsync.api.SnapshotMeta;
import dev.dbsync.core.internal.subscriber.DatabaseLock;
import dev.dbsync.filter.SourceFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A publisher's save path and every file the publisher writes beside it, with the two rules
 * that keep it from writing a file it does not own: none of them may be the source database
 * (or a side file of it), and a file already at the save path is replaced only when a meta of
 * the publisher's lies beside it (another program wrote it otherwise). Both are checked at
 * start, before anything is written. It also removes, at start, what a crashed production left
 * and a kept snapshot that is not to be delivered.
 */
final class SavePath {
    /** The publisher's logger: what happens to the save path is the publisher's doing. */
    private static final Logger LOG = LoggerFactory.getLogger(Publisher.class);
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
     *     a file written beside it is the source or one of its side files ({@link SourceFiles#named})
     */
    void refuseSource(Path source) {
        for (Path output : written()) {
            Optional<Path> sourceFile = SourceFiles.named(source, output);
            if (sourceFile.isPresent()) {
                String where = output.equals(file) ? "the save path " + file
                        : output + ", which the publisher writes beside the save path " + file + ",";
                throw new DatabaseFileException(file, DatabaseFileException.Problem.IS_SOURCE, where + " is "
                        + SourceFiles.describe(source, sourceFile.get()) + ": publishing would overwrite the source "
                        + "with a filtered snapshot. Nothing was written; give the publisher a save path of its own "
                        + "(--save).", null);
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
     * Removes what a crashed production left (the next file and its side files), creating the
     * save path's directory if needed.
     *
     * @throws DbsyncException if the directory cannot be used
     */
    void removeLeftovers() {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            for (Path f : leftovers()) {
                if (Files.deleteIfExists(f)) {
                    LOG.info("removed leftover {}", f);
                }
            }
        } catch (IOException e) {
            throw new DbsyncException("cannot use the directory of the save path " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Removes a kept snapshot that is not what the publisher publishes now, saying why once; its
     * meta stays, so versions keep increasing, and the first production replaces it.
     *
     * @param meta the kept snapshot's meta
     * @param why why it is not delivered
     * @throws DbsyncException if it cannot be removed
     */
    void discard(SnapshotMeta meta, String why) {
        LOG.warn("not delivering the snapshot version {} ({}) kept at {}: {}; removed it, front offices get a "
                + "snapshot of the current filter once it is produced", meta.version(), meta.shortHash(), file, why);
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new DbsyncException("cannot remove the stale snapshot " + file + ": " + e.getMessage(), e);
        }
    }
}

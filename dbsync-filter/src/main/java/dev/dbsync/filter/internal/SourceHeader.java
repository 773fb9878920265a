package dev.dbsync.filter.internal;

import dev.dbsync.api.DbsyncException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the text encoding from a SQLite file's header, so the destination can match it. */
final class SourceHeader {
    private SourceHeader() {
    }

    static String encoding(Path source) {
        byte[] header = new byte[100];
        try (InputStream in = Files.newInputStream(source)) {
            int n = in.readNBytes(header, 0, 100);
            if (n == 0) {
                return "UTF-8";
            }
            if (n < 100 || !new String(header, 0, 15, java.nio.charset.StandardCharsets.US_ASCII)
                    .equals("SQLite format 3")) {
                throw new DbsyncException("source " + source + " is not a SQLite database");
            }
        } catch (IOException e) {
            throw new DbsyncException("cannot read source database " + source + ": " + e.getMessage(), e);
        }
        return switch (header[59]) {
            case 2 -> "UTF-16le";
            case 3 -> "UTF-16be";
            default -> "UTF-8";
        };
    }
}

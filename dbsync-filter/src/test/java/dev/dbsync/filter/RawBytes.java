package dev.dbsync.filter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The raw bytes of a file as text, one char per byte, for marker searches in tests. */
final class RawBytes {
    private RawBytes() {
    }

    static String of(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    }
}

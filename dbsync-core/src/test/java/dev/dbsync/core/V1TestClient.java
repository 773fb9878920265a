package dev.dbsync.core;

import dev.dbsync.api.SnapshotMeta;
import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.api.transport.Endpoint;
import dev.dbsync.api.transport.Transport;
import dev.dbsync.api.transport.TransportConnection;
import dev.dbsync.api.transport.TransportOptions;
import dev.dbsync.api.transport.TransportStream;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * A minimal v1-only publisher written from the original format, independent of our codec:
 * "SYN1", u32 big-endian meta length, meta JSON, payload (gzip when compressed), end of stream.
 */
final class V1TestClient {
    private V1TestClient() {
    }

    static void push(Transport transport, Endpoint endpoint, TlsSettings tls, SnapshotMeta meta, Path file)
            throws IOException {
        String json = "{\"version\":" + meta.version() + ",\"hash\":\"" + meta.hash() + "\",\"size\":" + meta.size()
                + ",\"timestamp\":" + meta.timestamp() + ",\"compressed\":" + meta.compressed() + "}";
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        try (TransportConnection c = transport.dial(endpoint, tls, List.of("horos-dbsync-v1"), TransportOptions.defaults());
             TransportStream s = c.openStream()) {
            OutputStream out = s.output();
            out.write(new byte[] {'S', 'Y', 'N', '1', (byte) (body.length >>> 24), (byte) (body.length >>> 16),
                (byte) (body.length >>> 8), (byte) body.length});
            out.write(body);
            if (meta.compressed()) {
                GZIPOutputStream z = new GZIPOutputStream(new java.io.FilterOutputStream(out) {
                    @Override
                    public void close() throws IOException {
                        flush();
                    }
                });
                Files.copy(file, z);
                z.finish();
                z.close();
            } else {
                Files.copy(file, out);
            }
            out.close();
            // the subscriber ends the stream once it is done with the snapshot
            s.input().readAllBytes();
        }
    }
}

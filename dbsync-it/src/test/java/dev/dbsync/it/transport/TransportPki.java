package dev.dbsync.it.transport;

import dev.dbsync.api.tls.TlsSettings;
import dev.dbsync.testkit.TestPki;

import java.nio.file.Path;

/** The certificates of the transport contract: a trusted CA and a rogue one. */
final class TransportPki {
    final TestPki ca;
    final TestPki.Issued server;
    final TestPki.Issued client;
    final TestPki.Issued rogueClient;

    TransportPki(Path dir) {
        ca = TestPki.create(dir.resolve("ca"), "interop-ca");
        TestPki rogue = TestPki.create(dir.resolve("rogue"), "rogue-ca");
        server = ca.server("fo");
        client = ca.client("bo");
        rogueClient = rogue.client("intruder");
    }

    TlsSettings listener(boolean mutual) {
        return mutual ? TlsSettings.mutualServer(server.certFile(), server.keyFile(), ca.caFile())
                : TlsSettings.server(server.certFile(), server.keyFile());
    }

    TlsSettings dialer(boolean mutual) {
        return mutual ? TlsSettings.mutualClient(ca.caFile(), client.certFile(), client.keyFile())
                : TlsSettings.clientWithCa(ca.caFile());
    }

    TlsSettings rogueDialer(boolean withForeignCertificate) {
        return withForeignCertificate
                ? TlsSettings.mutualClient(ca.caFile(), rogueClient.certFile(), rogueClient.keyFile())
                : TlsSettings.clientWithCa(ca.caFile());
    }
}

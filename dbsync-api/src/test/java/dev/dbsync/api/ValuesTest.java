package dev.dbsync.api;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ValuesTest {
    private static final String HASH = "0123456789abcdef".repeat(4);

    @Test
    void snapshotMetaRequiresALowercaseSha256AndANonNegativeSize() {
        SnapshotMeta meta = new SnapshotMeta(3, HASH, 10, 1_700_000_000L, false);
        assertThat(meta.shortHash()).isEqualTo("0123456789ab");
        assertThat(meta.withCompressed(true).compressed()).isTrue();
        assertThatThrownBy(() -> new SnapshotMeta(1, HASH.toUpperCase(), 1, 1, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lowercase hex");
        assertThatThrownBy(() -> new SnapshotMeta(1, "abc", 1, 1, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SnapshotMeta(1, HASH, -1, 1, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
    }

    @Test
    void staticTargetProviderReturnsItsTargets() {
        Target fo1 = Target.dbsync("fo-1", "10.0.0.2:9443");
        Target paused = new Target("fo-2", Target.NOOP, null);
        TargetProvider provider = TargetProvider.of(fo1, paused);
        assertThat(provider.targets()).containsExactly(fo1, paused);
        assertThat(paused.paused()).isTrue();
        assertThat(paused.endpoint()).isEmpty();
        assertThat(fo1.paused()).isFalse();
        assertThatThrownBy(() -> provider.targets().add(fo1)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> new Target(" ", "dbsync", "")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void exceptionsCarryTheThingAtFault() {
        FilterException f = new FilterException("posts", "SELECT", 12, "subqueries are not allowed");
        assertThat(f.table()).contains("posts");
        assertThat(f.token()).contains("SELECT");
        assertThat(f.position()).isEqualTo(12);
        assertThat(new ProtocolException(9, "bad").getMessage()).isEqualTo("bad (at byte 9)");
        assertThat(new TransportException("127.0.0.1:1", "refused").endpoint()).isEqualTo("127.0.0.1:1");
        assertThat(new TlsConfigException("/x.pem", "missing").source()).isEqualTo("/x.pem");
        IntegrityException i = new IntegrityException("SHA-256", "aa", "bb");
        assertThat(i.getMessage()).isEqualTo("SHA-256 mismatch: expected aa but got bb");
        for (DbsyncException e : List.of(f, i, new ProtocolException(-1, "x"))) {
            assertThat(e).isInstanceOf(RuntimeException.class);
        }
    }

    @Test
    void constantsMatchTheOriginalWireFormat() {
        assertThat(Dbsync.ALPN_V1).isEqualTo("horos-dbsync-v1");
        assertThat(Dbsync.MAGIC).isEqualTo("SYN1");
        assertThat(Dbsync.DEFAULT_MAX_SNAPSHOT_SIZE).isEqualTo(512L * 1024 * 1024);
    }
}

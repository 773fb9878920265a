package dev.dbsync.connectivity;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(30)
class RoutesSchemaTest {
    @TempDir
    Path dir;

    @Test
    void initTwiceKeepsOneTableIndexAndTriggerAndTheRows() throws Exception {
        Path file = dir.resolve("routes.db");
        RoutesSchema.init(file);
        try (RoutesDatabase db = RoutesDatabase.create(dir)) {
            db.put("dbsync:fo-1", "dbsync", "127.0.0.1:9443");
            RoutesSchema.init(db.connection());
            RoutesSchema.init(file);
            assertThat(db.queryLong("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'routes'")).isEqualTo(1);
            assertThat(db.queryLong("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'idx_routes_strategy'")).isEqualTo(1);
            assertThat(db.queryLong("SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'routes'")).isEqualTo(1);
            assertThat(db.queryLong("SELECT COUNT(*) FROM routes")).isEqualTo(1);
            assertThat(db.connection().getAutoCommit()).as("auto-commit restored").isTrue();
        }
    }

    @Test
    void newRowsGetTheDefaultConfigAndTheCurrentTime() throws Exception {
        try (RoutesDatabase db = RoutesDatabase.create(dir)) {
            long before = System.currentTimeMillis() / 1000;
            db.put("svc", "local", null);
            long after = System.currentTimeMillis() / 1000;
            assertThat(db.queryLong("SELECT config = '{}' FROM routes")).isEqualTo(1);
            assertThat(db.queryLong("SELECT updated_at FROM routes")).isBetween(before, after);
        }
    }

    @Test
    void updatingARoutingColumnRefreshesUpdatedAt() throws Exception {
        try (RoutesDatabase db = RoutesDatabase.create(dir)) {
            db.exec("INSERT INTO routes(service_name, strategy, endpoint, updated_at) VALUES ('dbsync:fo-1', 'dbsync', 'h:1', 0)");
            for (String[] change : new String[][] {{"strategy", "noop"}, {"endpoint", "h:2"}, {"config", "{\"a\":1}"}}) {
                db.exec("UPDATE routes SET updated_at = 0");
                assertThat(db.queryLong("SELECT updated_at FROM routes")).isZero();
                long before = System.currentTimeMillis() / 1000;
                db.update("dbsync:fo-1", change[0], change[1]);
                long after = System.currentTimeMillis() / 1000;
                assertThat(db.queryLong("SELECT updated_at FROM routes")).as(change[0]).isBetween(before, after);
                assertThat(db.queryLong("SELECT typeof(updated_at) = 'integer' FROM routes")).isEqualTo(1);
            }
        }
    }

    @Test
    void anExplicitUpdatedAtIsKeptAndRecursiveTriggersDoNotLoop() throws Exception {
        try (RoutesDatabase db = RoutesDatabase.create(dir)) {
            db.exec("PRAGMA recursive_triggers = ON");
            db.put("dbsync:fo-1", "dbsync", "h:1");
            db.exec("UPDATE routes SET updated_at = 42");
            assertThat(db.queryLong("SELECT updated_at FROM routes")).isEqualTo(42);
            db.update("dbsync:fo-1", "strategy", "noop");
            assertThat(db.queryLong("SELECT updated_at FROM routes")).isGreaterThan(42);
        }
    }

    @Test
    void theTableRefusesAnUnknownStrategy() throws Exception {
        try (RoutesDatabase db = RoutesDatabase.create(dir)) {
            assertThatThrownBy(() -> db.put("x", "carrier-pigeon", null)).isInstanceOf(SQLException.class)
                    .hasMessageContaining("CHECK");
            assertThat(RoutesSchema.STRATEGIES).contains("dbsync", "noop", "local");
        }
    }

    @Test
    void initOfAnUnwritablePlaceNamesTheFile() {
        Path file = dir.resolve("missing-dir").resolve("routes.db");
        assertThatThrownBy(() -> RoutesSchema.init(file)).isInstanceOf(dev.dbsync.api.DbsyncException.class)
                .hasMessageContaining("routes.db");
    }
}

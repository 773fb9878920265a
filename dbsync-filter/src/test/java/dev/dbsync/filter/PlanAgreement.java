package dev.dbsync.filter;

import dev.dbsync.filter.PublicationReview.Disposition;
import dev.dbsync.filter.PublicationReview.Entry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Checks that a publication plan and the snapshot production wrote agree: every object the
 * plan publishes, blanks or rebuilds is in the snapshot, every object it drops or leaves
 * absent is not, the snapshot holds no object the plan does not keep, a blanked column holds
 * one value (NULL or its zero value) in every row, a dropped constraint is not in its table's
 * schema text, and published header fields have the source's values
 * and unpublished ones are 0.
 */
final class PlanAgreement {
    private PlanAgreement() {
    }

    /** @return what disagrees, one line each; empty when the plan and the snapshot agree */
    static List<String> violations(PublicationReview plan, Path source, Path snapshot) throws SQLException {
        List<String> violations = new ArrayList<>();
        try (Connection out = SqliteFiles.open(snapshot); Connection src = SqliteFiles.open(source)) {
            Set<String> inSnapshot = new HashSet<>();
            try (Statement s = out.createStatement();
                    ResultSet rs = s.executeQuery("SELECT type, name FROM sqlite_schema WHERE sql IS NOT NULL")) {
                while (rs.next()) {
                    inSnapshot.add(rs.getString(1) + " " + rs.getString(2));
                }
            }
            Set<String> kept = new HashSet<>();
            for (Entry e : plan.entries()) {
                boolean keeps = e.disposition() == Disposition.PUBLISHED || e.disposition() == Disposition.REBUILT
                        || e.disposition() == Disposition.BLANKED;
                String key = switch (e.kind()) {
                    case TABLE, VIRTUAL_TABLE, SHADOW_TABLE -> "table " + e.name();
                    case INDEX -> "index " + e.name();
                    case VIEW -> "view " + e.name();
                    case TRIGGER -> "trigger " + e.name();
                    default -> null;
                };
                if (key != null) {
                    if (inSnapshot.contains(key) != keeps) {
                        violations.add(e + (keeps ? ": not in the snapshot" : ": in the snapshot"));
                    }
                    if (keeps) {
                        kept.add(key);
                    }
                    continue;
                }
                switch (e.kind()) {
                    case COLUMN -> column(out, e, violations);
                    case CONSTRAINT -> {
                        String ddl = text(out, "SELECT sql FROM sqlite_schema WHERE name = ?", e.parent().get());
                        if (ddl == null || ddl.contains(e.name())) {
                            violations.add(e + ": the snapshot's table " + (ddl == null ? "is missing" : "keeps it"));
                        }
                    }
                    case HEADER -> {
                        String here = text(out, "PRAGMA " + e.name(), null);
                        String there = text(src, "PRAGMA " + e.name(), null);
                        if (e.disposition() == Disposition.PUBLISHED && !Objects.equals(here, there)) {
                            violations.add(e + ": snapshot has " + here + ", source " + there);
                        }
                        if (e.disposition() == Disposition.ABSENT && !"0".equals(here)) {
                            violations.add(e + ": an unpublished header field is " + here + " in the snapshot, not 0");
                        }
                    }
                    default -> violations.add(e + ": unexpected kind");
                }
            }
            Set<String> extra = new HashSet<>(inSnapshot);
            extra.removeAll(kept);
            if (!extra.isEmpty()) {
                violations.add("the snapshot holds objects the plan does not keep: " + extra);
            }
        }
        return violations;
    }

    private static void column(Connection out, Entry e, List<String> violations) throws SQLException {
        String table = e.parent().get();
        boolean found = false;
        try (PreparedStatement ps = out.prepareStatement("SELECT 1 FROM pragma_table_xinfo(?) WHERE name = ?")) {
            ps.setString(1, table);
            ps.setString(2, e.name());
            try (ResultSet rs = ps.executeQuery()) {
                found = rs.next();
            }
        }
        if (!found) {
            violations.add(e + ": no such column in the snapshot");
        } else if (e.disposition() == Disposition.BLANKED) {
            String distinct = text(out, "SELECT count(DISTINCT " + quote(e.name()) + ") FROM " + quote(table), null);
            if (Long.parseLong(distinct) > 1) {
                violations.add(e + ": " + distinct + " distinct values in the snapshot");
            }
        }
    }

    private static String text(Connection c, String sql, String parameter) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (parameter != null) {
                ps.setString(1, parameter);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static String quote(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}

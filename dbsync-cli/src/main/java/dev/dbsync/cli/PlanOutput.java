package dev.dbsync.cli;

import dev.dbsync.filter.PublicationReview;
import dev.dbsync.filter.PublicationReview.Disposition;
import dev.dbsync.filter.PublicationReview.Entry;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Prints a {@link PublicationReview}: an aligned table for people, a list of objects for {@code --json}. */
final class PlanOutput {
    /** Longer object names overflow their column rather than widen it for every line. */
    private static final int MAX_OBJECT_WIDTH = 40;

    private PlanOutput() {
    }

    /** Prints the plan as a summary line, then one aligned line per entry. */
    static void text(PublicationReview review, PrintWriter w) {
        List<String> counts = new ArrayList<>();
        for (Disposition d : Disposition.values()) {
            counts.add(review.count(d) + " " + label(d));
        }
        w.printf("publication plan: %d objects — %s%n", review.entries().size(), String.join(", ", counts));
        int kindWidth = "KIND".length();
        int objectWidth = "OBJECT".length();
        for (Entry e : review.entries()) {
            kindWidth = Math.max(kindWidth, kind(e).length());
            objectWidth = Math.max(objectWidth, Math.min(MAX_OBJECT_WIDTH, object(e).length()));
        }
        int dispositionWidth = "DISPOSITION".length();
        String format = "  %-" + kindWidth + "s  %-" + objectWidth + "s  %-" + dispositionWidth + "s  %s%n";
        w.printf(format, "KIND", "OBJECT", "DISPOSITION", "WHY");
        for (Entry e : review.entries()) {
            w.printf(format, kind(e), object(e), label(e.disposition()), e.reason());
        }
    }

    /** @return the entries as a list of JSON objects (kind, name, parent, disposition, reason) */
    static List<Map<String, Object>> json(PublicationReview review) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Entry e : review.entries()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", e.kind().name().toLowerCase(Locale.ROOT));
            m.put("name", e.name());
            m.put("parent", e.parent());
            m.put("disposition", label(e.disposition()));
            m.put("reason", e.reason());
            out.add(m);
        }
        return out;
    }

    private static String kind(Entry e) {
        return e.kind().name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    private static String object(Entry e) {
        String separator = e.kind() == PublicationReview.ObjectKind.CONSTRAINT ? ": " : ".";
        return e.parent().map(p -> p + separator).orElse("") + e.name();
    }

    private static String label(Disposition d) {
        return d.name().toLowerCase(Locale.ROOT);
    }
}

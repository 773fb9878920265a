package dev.dbsync.filter;

import dev.dbsync.api.SqlName;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The publication plan of a {@link dev.dbsync.api.FilterSpec} over one source database, for a
 * reviewer: for every object of the source — header field, table, virtual table and its shadow
 * tables, column, index, trigger, view — what a snapshot does with it and why. Constraints of
 * published tables appear only when they are dropped; every other constraint is published with
 * its table's CREATE statement. Columns are listed for published tables only (an absent table
 * publishes none of its columns).
 *
 * <p>The entries are the decisions {@link SnapshotProducer} carries out, computed by the same
 * code, not a second reading of the spec. Returned by {@link FilterValidator#plan}.
 *
 * <pre>{@code
 * PublicationReview review = FilterValidator.plan(spec, Path.of("bo.db"));
 * review.find(ObjectKind.COLUMN, "users", "email")   // BLANKED, "not listed in partial table users…"
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param entries one entry per object, sorted by kind, then parent, then name (names ordered as
 *     SQLite folds them, ASCII case only)
 */
public record PublicationReview(List<Entry> entries) {
    private static final Comparator<String> BY_NAME =
            Comparator.comparing(SqlName::fold).thenComparing(Comparator.naturalOrder());

    /** What kind of object of the source an entry is about, in the order entries are sorted. */
    public enum ObjectKind {
        /** A field of the database header: {@code user_version}, {@code application_id}, … */
        HEADER,
        /** An ordinary table. */
        TABLE,
        /** A virtual table (FTS3/4/5, R*Tree, …). */
        VIRTUAL_TABLE,
        /** A shadow table, where a virtual table keeps its data; its parent is the virtual table. */
        SHADOW_TABLE,
        /** A column; its parent is its table. */
        COLUMN,
        /** A column or table constraint, named by its text; its parent is its table. */
        CONSTRAINT,
        /** An index created by CREATE INDEX; its parent is its table. */
        INDEX,
        /** A view. */
        VIEW,
        /** A trigger; its parent is the table or view it is attached to. */
        TRIGGER
    }

    /** What the snapshot does with an object. */
    public enum Disposition {
        /** It is in the snapshot as the source has it (rows restricted to the published ones). */
        PUBLISHED,
        /** A column that is in the snapshot's schema without its values. */
        BLANKED,
        /** It is in the snapshot, written anew from published data or the producer's settings. */
        REBUILT,
        /** It exists in the source, belongs to something published, and is left out. */
        DROPPED,
        /** It is not in the snapshot because the spec does not publish it. */
        ABSENT
    }

    /**
     * One object and its fate.
     *
     * @param kind what kind of object
     * @param name its name as stored in the source (a constraint's text, a header field's name)
     * @param parent the table it belongs to, for columns, constraints, indexes, triggers and
     *     shadow tables
     * @param disposition what the snapshot does with it
     * @param reason why, in words naming the cause (a spec entry, a blanked column, a rule)
     */
    public record Entry(ObjectKind kind, String name, Optional<String> parent, Disposition disposition,
            String reason) {
        /**
         * @throws NullPointerException if a component is null
         * @throws IllegalArgumentException if the reason is blank
         */
        public Entry {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(parent, "parent");
            Objects.requireNonNull(disposition, "disposition");
            Objects.requireNonNull(reason, "reason");
            if (reason.isBlank()) {
                throw new IllegalArgumentException("entry " + kind + " " + name + ": blank reason");
            }
        }
    }

    /**
     * Copies and sorts the entries.
     *
     * @throws NullPointerException if the list or an entry is null
     */
    public PublicationReview {
        List<Entry> sorted = new ArrayList<>(Objects.requireNonNull(entries, "entries"));
        sorted.sort(Comparator.comparing(Entry::kind)
                .thenComparing(e -> e.parent().orElse(""), BY_NAME)
                .thenComparing(Entry::name, BY_NAME));
        entries = List.copyOf(sorted);
    }

    /**
     * @param kind a kind of object
     * @return the entries of that kind, in order
     */
    public List<Entry> entries(ObjectKind kind) {
        return entries.stream().filter(e -> e.kind() == kind).toList();
    }

    /**
     * Finds one entry; names compare as SQLite compares them ({@link SqlName}).
     *
     * @param kind its kind
     * @param parent its parent's name, or null for an object without one
     * @param name its name
     * @return the entry, if the plan has it
     */
    public Optional<Entry> find(ObjectKind kind, String parent, String name) {
        return entries.stream()
                .filter(e -> e.kind() == kind && SqlName.same(e.name(), name)
                        && (parent == null ? e.parent().isEmpty()
                                : e.parent().map(p -> SqlName.same(p, parent)).orElse(false)))
                .findFirst();
    }

    /**
     * @param disposition a disposition
     * @return how many entries have it
     */
    public long count(Disposition disposition) {
        return entries.stream().filter(e -> e.disposition() == disposition).count();
    }
}

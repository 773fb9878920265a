package dev.dbsync.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a back office publishes: anything not listed here is absent from the snapshot.
 *
 * <ul>
 *   <li>{@linkplain #fullTables() full tables} are copied whole;</li>
 *   <li>{@linkplain #filteredTables() filtered tables} keep only the rows matching their WHERE
 *       expression;</li>
 *   <li>{@linkplain #partialTables() partial tables} keep only the listed columns (the others
 *       are blanked) of the rows matching their optional WHERE expression;</li>
 *   <li>{@linkplain #views() views} are published when listed and compile against the published
 *       tables;</li>
 *   <li>{@linkplain #headerFields() header fields} ({@code user_version}, {@code application_id})
 *       are copied when listed, and 0 otherwise.</li>
 * </ul>
 *
 * <p>Instances are immutable and thread-safe, compare by value, and print the same way every
 * time. The builder checks the structure (no blank names, no table listed twice); the filter
 * module checks the WHERE expressions and the names against the source database.
 *
 * <pre>{@code
 * FilterSpec spec = FilterSpec.builder()
 *     .fullTables("badges", "categories")
 *     .filteredTable("posts", "visibility = 'public'")
 *     .partialTable("users", PartialTable.where("is_active = 1", "user_id", "username"))
 *     .build();
 * }</pre>
 */
public final class FilterSpec {
    private final List<String> fullTables;
    private final Map<String, String> filteredTables;
    private final Map<String, PartialTable> partialTables;
    private final List<String> views;
    private final Set<HeaderField> headerFields;

    private FilterSpec(Builder b) {
        this.fullTables = List.copyOf(b.fullTables);
        this.filteredTables = Collections.unmodifiableMap(new LinkedHashMap<>(b.filteredTables));
        this.partialTables = Collections.unmodifiableMap(new LinkedHashMap<>(b.partialTables));
        this.views = List.copyOf(b.views);
        this.headerFields = Collections.unmodifiableSet(EnumSet.copyOf(b.headerFields));
    }

    /** @return a new empty builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding this spec's content, to derive a variant */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.fullTables.addAll(fullTables);
        b.filteredTables.putAll(filteredTables);
        b.partialTables.putAll(partialTables);
        b.views.addAll(views);
        b.headerFields.addAll(headerFields);
        return b;
    }

    /** @return tables copied whole, in the order given */
    public List<String> fullTables() {
        return fullTables;
    }

    /** @return table name to WHERE expression, in the order given */
    public Map<String, String> filteredTables() {
        return filteredTables;
    }

    /** @return table name to published columns and optional WHERE, in the order given */
    public Map<String, PartialTable> partialTables() {
        return partialTables;
    }

    /** @return views to publish, in the order given */
    public List<String> views() {
        return views;
    }

    /** @return the header fields copied from the source, in declaration order; the others are 0 */
    public Set<HeaderField> headerFields() {
        return headerFields;
    }

    /** @return every table named by the spec, in category order then the order given */
    public List<String> allTables() {
        List<String> all = new ArrayList<>(fullTables);
        all.addAll(filteredTables.keySet());
        all.addAll(partialTables.keySet());
        return Collections.unmodifiableList(all);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FilterSpec other
                && fullTables.equals(other.fullTables)
                && filteredTables.equals(other.filteredTables)
                && partialTables.equals(other.partialTables)
                && views.equals(other.views)
                && headerFields.equals(other.headerFields);
    }

    @Override
    public int hashCode() {
        return Objects.hash(fullTables, filteredTables, partialTables, views, headerFields);
    }

    /** @return a stable text form: the same spec always prints the same way */
    @Override
    public String toString() {
        return "FilterSpec{fullTables=" + fullTables
                + ", filteredTables=" + new TreeMap<>(filteredTables)
                + ", partialTables=" + new TreeMap<>(partialTables)
                + ", views=" + views
                + (headerFields.isEmpty() ? "" : ", headerFields=" + headerFields) + '}';
    }

    /**
     * Builds a {@link FilterSpec}. Not thread-safe; {@link #build()} checks the structure.
     */
    public static final class Builder {
        private final List<String> fullTables = new ArrayList<>();
        private final Map<String, String> filteredTables = new LinkedHashMap<>();
        private final Map<String, PartialTable> partialTables = new LinkedHashMap<>();
        private final List<String> views = new ArrayList<>();
        private final Set<HeaderField> headerFields = EnumSet.noneOf(HeaderField.class);

        private Builder() {
        }

        /**
         * Adds tables to copy whole.
         *
         * @param tables table names
         * @return this builder
         */
        public Builder fullTables(String... tables) {
            return fullTables(List.of(tables));
        }

        /**
         * Adds tables to copy whole.
         *
         * @param tables table names
         * @return this builder
         */
        public Builder fullTables(List<String> tables) {
            fullTables.addAll(tables);
            return this;
        }

        /**
         * Adds a table whose rows matching {@code where} are published.
         *
         * @param table the table name
         * @param where a SQL expression
         * @return this builder
         */
        public Builder filteredTable(String table, String where) {
            putOnce(filteredTables, table, Objects.requireNonNull(where, "where"));
            return this;
        }

        /**
         * Adds a table published with only some columns.
         *
         * @param table the table name
         * @param partial the columns and optional WHERE
         * @return this builder
         */
        public Builder partialTable(String table, PartialTable partial) {
            putOnce(partialTables, table, Objects.requireNonNull(partial, "partial"));
            return this;
        }

        /**
         * Adds views to publish.
         *
         * @param names view names
         * @return this builder
         */
        public Builder views(String... names) {
            views.addAll(List.of(names));
            return this;
        }

        /**
         * Publishes header fields of the source (by default none is: each is 0 in the snapshot).
         *
         * @param fields the fields to copy
         * @return this builder
         */
        public Builder headerFields(HeaderField... fields) {
            for (HeaderField f : fields) {
                headerFields.add(Objects.requireNonNull(f, "header field"));
            }
            return this;
        }

        private static <V> void putOnce(Map<String, V> map, String table, V value) {
            if (table != null && map.containsKey(table)) {
                throw new FilterException(table, "table '" + table + "' is listed twice in the same category");
            }
            map.put(table, value);
        }

        /**
         * Checks the structure and builds the spec.
         *
         * @return the immutable spec
         * @throws FilterException if a name is blank, a WHERE of a filtered table is blank, or
         *     a table or view is listed twice (names compare as SQLite compares them, see
         *     {@link SqlName}: {@code Users} and {@code USERS} are one table, {@code é} and
         *     {@code É} two); the message names both spellings
         */
        public FilterSpec build() {
            Map<SqlName, String[]> seen = new LinkedHashMap<>();
            check(seen, fullTables, "fullTables");
            check(seen, filteredTables.keySet(), "filteredTables");
            check(seen, partialTables.keySet(), "partialTables");
            for (Map.Entry<String, String> e : filteredTables.entrySet()) {
                if (e.getValue().isBlank()) {
                    throw new FilterException(e.getKey(), "filtered table '" + e.getKey()
                            + "' has an empty WHERE clause; list it in fullTables to publish every row");
                }
            }
            check(new LinkedHashMap<>(), views, "views");
            return new FilterSpec(this);
        }

        private static void check(Map<SqlName, String[]> seen, Iterable<String> names, String category) {
            for (String name : names) {
                if (name == null || name.isBlank()) {
                    throw new FilterException(null, category + " contains a blank table name");
                }
                String[] previous = seen.putIfAbsent(SqlName.of(name), new String[] {name, category});
                if (previous != null) {
                    String what = category.equals("views") ? "view" : "table";
                    throw new FilterException(name, "'" + previous[0] + "' (in " + previous[1] + ") and '" + name
                            + "' (in " + category + ") name the same " + what + " to SQLite: it is listed twice; "
                            + "a " + what + " belongs to one category");
                }
            }
        }
    }
}

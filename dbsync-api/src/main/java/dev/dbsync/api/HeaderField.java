package dev.dbsync.api;

import java.util.Arrays;
import java.util.Optional;

/**
 * A field of the SQLite file header that holds application data, published only when a
 * {@link FilterSpec} lists it ({@link FilterSpec#headerFields()}); an unlisted field is 0 in
 * the snapshot. Both are 32-bit integers any application may set to anything, so they are
 * treated like any other value of the source: private unless published.
 */
public enum HeaderField {
    /** {@code PRAGMA user_version}: header offset 60, often the schema version of migration tools. */
    USER_VERSION("user_version"),
    /** {@code PRAGMA application_id}: header offset 68, identifies the file format of an application. */
    APPLICATION_ID("application_id");

    private final String pragma;

    HeaderField(String pragma) {
        this.pragma = pragma;
    }

    /** @return the name of the PRAGMA that reads and sets it, also its name in a spec's JSON */
    public String pragma() {
        return pragma;
    }

    /**
     * @param pragma a PRAGMA name as written in a spec, exactly (lower case)
     * @return the field, if one has that name
     */
    public static Optional<HeaderField> ofPragma(String pragma) {
        return Arrays.stream(values()).filter(f -> f.pragma.equals(pragma)).findFirst();
    }
}

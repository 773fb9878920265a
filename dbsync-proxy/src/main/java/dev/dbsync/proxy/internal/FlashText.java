package dev.dbsync.proxy.internal;

/**
 * Turns a text that may come from the back office into a flash message: plain text on one
 * line, control characters (CR, LF, TAB, NUL, the other ISO controls, line and paragraph separators) replaced
 * by spaces, trimmed, at most {@value #MAX_CHARS} characters. It is never interpreted as markup.
 */
public final class FlashText {
    /** Longest message kept, in chars. */
    public static final int MAX_CHARS = 300;

    private FlashText() {
    }

    /**
     * @param raw the text, possibly null
     * @param fallback what to say when {@code raw} is null or blank
     * @return the cleaned text
     */
    public static String of(String raw, String fallback) {
        if (raw == null) {
            return fallback;
        }
        StringBuilder b = new StringBuilder(Math.min(raw.length(), MAX_CHARS + 1));
        for (int i = 0; i < raw.length() && b.length() < MAX_CHARS; i++) {
            char c = raw.charAt(i);
            b.append(Character.isISOControl(c) || c == '\u2028' || c == '\u2029' ? ' ' : c);
        }
        if (b.length() > 0 && Character.isHighSurrogate(b.charAt(b.length() - 1))) {
            b.setLength(b.length() - 1);
        }
        String text = b.toString().trim();
        if (text.isEmpty()) {
            return fallback;
        }
        return raw.length() > MAX_CHARS ? text + "…" : text;
    }
}

package dev.dbsync.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

class FlashTextProperties {
    /** Whatever the back office sends, the flash is one bounded line without control characters. */
    @Property(tries = 2000)
    void isOneBoundedLineOfText(@ForAll String raw) {
        String text = FlashText.of(raw, "fallback");
        assertThat(text).isNotEmpty();
        assertThat(text.length()).isLessThanOrEqualTo(FlashText.MAX_CHARS + 1);
        assertThat(text.chars().noneMatch(c -> Character.isISOControl(c) || c == 0x2028 || c == 0x2029)).isTrue();
        assertThat(Character.isHighSurrogate(text.charAt(text.length() - 1))).isFalse();
    }

    @Example
    void keepsMarkupAsLiteralText() {
        assertThat(FlashText.of("<script>x</script> & co", "f")).isEqualTo("<script>x</script> & co");
        assertThat(FlashText.of("  \r\n ", "f")).isEqualTo("f");
        assertThat(FlashText.of(null, "f")).isEqualTo("f");
    }
}

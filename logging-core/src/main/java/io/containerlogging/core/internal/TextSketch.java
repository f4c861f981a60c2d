package io.containerlogging.core.internal;

import java.util.List;

/**
 * A 64-bit sketch of the character pairs in a text, ignoring case: for each two adjacent characters,
 * one bit chosen by a hash of the pair with both characters case-folded. A text can contain a
 * {@code search} text (exactly or ignoring case) only if its sketch has every bit of the search
 * text's own sketch, so a store that keeps a sketch per message can skip most messages without
 * reading their text: Bloom-filter logic, with false positives (the text is then searched) and
 * never a false negative.
 *
 * <p>Folding is {@code toLowerCase(toUpperCase(c))} per UTF-16 char, the equality that
 * {@link String#regionMatches(boolean, int, String, int, int)} and the smart-case search use, so
 * any two pairs equal ignoring case set the same bit. Bit 63 also marks a computed sketch, so a
 * store can keep 0 for "not computed yet".
 */
public final class TextSketch {

    /** Set in every computed sketch. */
    public static final long COMPUTED = 1L << 63;

    private TextSketch() {
    }

    /** The sketch of {@code text}: {@link #COMPUTED} and one bit per distinct folded pair. */
    public static long of(String text) {
        long sketch = COMPUTED;
        int length = text.length();
        if (length < 2) {
            return sketch;
        }
        int previous = fold(text.charAt(0));
        for (int i = 1; i < length; i++) {
            int current = fold(text.charAt(i));
            sketch |= bit(previous, current);
            previous = current;
        }
        return sketch;
    }

    /**
     * The bits a text must have in its sketch to contain every one of {@code texts}; 0 if no text
     * is two characters long (nothing to require).
     */
    public static long required(List<String> texts) {
        long required = 0;
        for (String text : texts) {
            long sketch = of(text);
            required |= sketch & ~COMPUTED;
        }
        return required == 0 ? 0 : required | COMPUTED;
    }

    /** True if a text with {@code sketch} may contain what {@code required} asks for. */
    public static boolean mayContain(long sketch, long required) {
        return (sketch & required) == required;
    }

    private static int fold(char c) {
        if (c < 0x80) {
            return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
        }
        return Character.toLowerCase(Character.toUpperCase(c));
    }

    // One of the 64 bits, from the pair's 32 bits by a multiplicative hash. A pair that lands on
    // the marker bit is thereby present in every computed sketch: a false positive, never a miss.
    private static long bit(int first, int second) {
        long hash = ((long) first << 16 | second) * 0x9E3779B97F4A7C15L;
        return 1L << (hash >>> 58);
    }
}

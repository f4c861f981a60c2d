package io.containerlogging.core.internal;

import java.util.List;
import java.util.function.Function;

/**
 * The names of a table's fields, each packed into two {@code long}s (one byte per char, at most
 * {@value #MAX_LENGTH} ASCII chars, and the length), for {@link LogJsonFastParser}: it packs the
 * name it reads and finds the field with one look-up. (Comparing the name with each candidate's
 * by {@code String.startsWith} cost the parser ~15%.)
 *
 * <p>Immutable and thread-safe.
 *
 * @param <F> the field type
 */
final class PackedNames<F> {

    /** The longest name that can be packed. */
    static final int MAX_LENGTH = 15;

    private final long[] low;
    private final long[] high;
    private final Object[] fields;
    private final int mask;

    /**
     * @throws IllegalArgumentException if a name cannot be packed (too long, or a char outside
     *     U+0020 to U+007E)
     */
    PackedNames(List<F> all, Function<F, String> name) {
        int size = Integer.highestOneBit(all.size() * 4 - 1) << 1; // at most a quarter full
        low = new long[size];
        high = new long[size];
        fields = new Object[size];
        mask = size - 1;
        for (F field : all) {
            String text = name.apply(field);
            long packedLow = low(text, 0, text.length());
            long packedHigh = high(text, 0, text.length());
            if (packedLow == NOT_PACKABLE || packedHigh == NOT_PACKABLE) {
                throw new IllegalArgumentException("cannot pack the field name '" + text + "'");
            }
            int slot = slot(packedLow, packedHigh);
            while (fields[slot] != null) {
                slot = (slot + 1) & mask;
            }
            low[slot] = packedLow;
            high[slot] = packedHigh;
            fields[slot] = field;
        }
    }

    /** What {@link #low} and {@link #high} return for a name that cannot be packed. */
    static final long NOT_PACKABLE = -1;

    /**
     * Chars 0-7 of the name {@code text[start, start + length)}, char i in bits 8i to 8i+7, or
     * {@link #NOT_PACKABLE}.
     */
    static long low(String text, int start, int length) {
        if (length > MAX_LENGTH) {
            return NOT_PACKABLE;
        }
        return pack(text, start, Math.min(length, 8));
    }

    /**
     * Chars 8-14 of the name {@code text[start, start + length)} as {@link #low} packs them, and
     * the length in bits 56-63 (so that a name does not pack as itself plus NUL chars), or
     * {@link #NOT_PACKABLE}.
     */
    static long high(String text, int start, int length) {
        if (length > MAX_LENGTH) {
            return NOT_PACKABLE;
        }
        long chars = length <= 8 ? 0 : pack(text, start + 8, length - 8);
        return chars == NOT_PACKABLE ? NOT_PACKABLE : chars | (long) length << 56;
    }

    private static long pack(String text, int start, int count) {
        long packed = 0;
        int all = 0;
        for (int i = 0; i < count; i++) {
            char c = text.charAt(start + i);
            all |= c;
            packed |= (long) c << (i * 8);
        }
        // Only ASCII packs one byte per char; other names are no field's anyway.
        return all < 0x80 ? packed : NOT_PACKABLE;
    }

    /**
     * The field whose name packs to {@code packedLow} (its chars 0-7, char i in bits 8i to 8i+7)
     * and {@code packedHigh} (chars 8-15), or null.
     */
    @SuppressWarnings("unchecked")
    F get(long packedLow, long packedHigh) {
        for (int slot = slot(packedLow, packedHigh); fields[slot] != null; slot = (slot + 1) & mask) {
            if (low[slot] == packedLow && high[slot] == packedHigh) {
                return (F) fields[slot];
            }
        }
        return null;
    }

    private int slot(long packedLow, long packedHigh) {
        long hash = (packedLow ^ packedHigh * 31) * 0x9E3779B97F4A7C15L;
        return (int) (hash >>> 40) & mask;
    }
}

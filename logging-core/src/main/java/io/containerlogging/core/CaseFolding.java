package io.containerlogging.core;

/**
 * Case-insensitive substring search without allocation, for the smart-case {@code search} and
 * {@code exclude} texts of {@link LogQuery}. Two characters are equal ignoring case exactly when
 * {@link String#regionMatches(boolean, int, String, int, int)} with {@code ignoreCase} says so:
 * when {@code toLowerCase(toUpperCase(c))} is the same for both ({@link #fold(char)}).
 *
 * <p>Why not {@code regionMatches} at every position: it is a call per character of the text.
 * Instead a needle character is picked as an anchor and found with {@link String#indexOf(int, int)}
 * (vectorised by the JIT), and only the positions where it occurs are compared in full. An anchor
 * must be a character whose case variants are all known: an ASCII character that no non-ASCII
 * character folds to (so not {@code i}, {@code k}, {@code s}: the Kelvin sign folds to {@code k}).
 * A needle with none falls back to a per-character loop.
 */
final class CaseFolding {

    /** ASCII characters that some non-ASCII character folds to (k: U+212A, s: U+017F, ...). */
    private static final boolean[] FOLDED_TO_FROM_OUTSIDE_ASCII = new boolean[128];
    /**
     * How common each ASCII character is in log lines, most common first: the rarest anchor
     * gives the fewest full comparisons. A guess, not a measurement of any one log.
     */
    private static final String COMMON = " etaoinsrhldcumfpgwybvkxjqz0123456789/:.-=\"_,";

    static {
        for (int c = 0x80; c <= 0xFFFF; c++) {
            char folded = fold((char) c);
            if (folded < 0x80) {
                FOLDED_TO_FROM_OUTSIDE_ASCII[folded] = true;
            }
        }
    }

    private CaseFolding() {
    }

    /** The character's case-insensitive identity: {@code toLowerCase(toUpperCase(c))}. */
    static char fold(char c) {
        if (c < 0x80) {
            return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
        }
        return Character.toLowerCase(Character.toUpperCase(c));
    }

    /** True if {@code text} has an upper- or title-case letter: smart case then matches it exactly. */
    static boolean hasUpperCase(String text) {
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            if (Character.isUpperCase(cp) || Character.isTitleCase(cp)) {
                return true;
            }
            i += Character.charCount(cp);
        }
        return false;
    }

    /** A needle prepared for repeated case-insensitive searches. Immutable, thread-safe. */
    static final class Needle {
        private final String folded;
        /** The needle when case cannot matter (no character has another case): plain indexOf. */
        private final boolean caseless;
        private final int anchor; // index into folded, or -1 for the per-character loop
        private final char anchorLower;
        private final char anchorUpper;

        Needle(String text) {
            StringBuilder folded = new StringBuilder(text.length());
            boolean caseless = true;
            int anchor = -1;
            int anchorRank = -1;
            for (int i = 0; i < text.length(); i++) {
                char f = fold(text.charAt(i));
                folded.append(f);
                boolean known = f < 0x80 && !FOLDED_TO_FROM_OUTSIDE_ASCII[f];
                if (!known || Character.toUpperCase(f) != f) {
                    caseless = false;
                }
                if (known) {
                    int rank = rank(f);
                    if (rank > anchorRank) {
                        anchorRank = rank;
                        anchor = i;
                    }
                }
            }
            this.folded = folded.toString();
            this.caseless = caseless;
            this.anchor = anchor;
            this.anchorLower = anchor < 0 ? 0 : this.folded.charAt(anchor);
            this.anchorUpper = anchor < 0 ? 0 : Character.toUpperCase(anchorLower);
        }

        // Higher is rarer: a character's place in COMMON, any character not listed rarest of all.
        // A letter is searched twice (both cases), so it counts as commoner.
        private static int rank(char c) {
            int common = COMMON.indexOf(c);
            int rank = common < 0 ? 2 * COMMON.length() : 2 * common;
            return Character.toUpperCase(c) != c ? rank / 2 : rank;
        }

        /** The character whose occurrences are compared in full, in lower case; 0 if none. */
        char anchor() {
            return anchorLower;
        }

        /** True if {@code text} contains the needle, ignoring case. */
        boolean foundIn(String text) {
            // Kept small, the rare shapes in methods of their own, so that the JIT inlines it
            // into the ring's walk.
            if (caseless || anchor < 0) {
                return caseless ? text.indexOf(folded) >= 0 : foundWithoutAnchor(text);
            }
            int lastAnchor = text.length() - folded.length() + anchor;
            // All occurrences of the anchor in lower case, then all in upper case: two runs of
            // indexOf (vectorised) cost less than merging them in text order (measured).
            return foundAt(text, anchorLower, lastAnchor)
                    || (anchorUpper != anchorLower && foundAt(text, anchorUpper, lastAnchor));
        }

        /** True if the needle starts {@link #anchor} characters before an occurrence of {@code c}. */
        private boolean foundAt(String text, char c, int lastAnchor) {
            for (int at = text.indexOf(c, anchor); at >= 0 && at <= lastAnchor; at = text.indexOf(c, at + 1)) {
                if (matchesAt(text, at - anchor, 0)) {
                    return true;
                }
            }
            return false;
        }

        private boolean foundWithoutAnchor(String text) {
            for (int i = 0, last = text.length() - folded.length(); i <= last; i++) {
                if (matchesAt(text, i, 0)) {
                    return true;
                }
            }
            return false;
        }

        private boolean matchesAt(String text, int start, int from) {
            for (int j = from; j < folded.length(); j++) {
                char c = text.charAt(start + j);
                char n = folded.charAt(j);
                if (c != n && fold(c) != n) {
                    return false;
                }
            }
            return true;
        }
    }
}

package io.containerlogging.opensearch;

import java.util.HashMap;
import java.util.Map;

/**
 * Lucene regexps that find a text ignoring case exactly as the local backend does
 * ({@code LogQuery}'s smart case: two characters are equal when
 * {@code toLowerCase(toUpperCase(c))} is), by replacing each letter with the class of every
 * character of the same fold: {@code ok} becomes {@code .*[oO][kK\u212A].*}.
 */
final class CaseClasses {

    /** OpenSearch's default {@code index.max_regex_length}: longer regexps are refused. */
    static final int MAX_REGEX_LENGTH = 1000;

    /** For each fold with more than one member, its members (computed once: 65 536 characters). */
    private static final Map<Character, String> MEMBERS = new HashMap<>();

    static {
        Map<Character, StringBuilder> byFold = new HashMap<>();
        for (int c = 0; c <= 0xFFFF; c++) {
            if (Character.isSurrogate((char) c)) {
                continue;
            }
            byFold.computeIfAbsent(fold((char) c), k -> new StringBuilder()).append((char) c);
        }
        byFold.forEach((fold, members) -> {
            if (members.length() > 1) {
                MEMBERS.put(fold, members.toString());
            }
        });
    }

    private CaseClasses() {
    }

    static char fold(char c) {
        return Character.toLowerCase(Character.toUpperCase(c));
    }

    /**
     * A regexp over a whole keyword that holds {@code text} ignoring case, or null if it would be
     * longer than OpenSearch accepts.
     */
    static String containsIgnoringCase(String text) {
        StringBuilder out = new StringBuilder(text.length() * 4 + 4).append(".*");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String members = Character.isSurrogate(c) ? null : MEMBERS.get(fold(c));
            if (members == null) {
                escaped(out, c);
            } else {
                out.append('[');
                for (int j = 0; j < members.length(); j++) {
                    escaped(out, members.charAt(j));
                }
                out.append(']');
            }
            if (out.length() > MAX_REGEX_LENGTH) {
                return null;
            }
        }
        return out.append(".*").toString();
    }

    private static void escaped(StringBuilder out, char c) {
        if (c < 0x80 && !Character.isLetterOrDigit(c)) {
            out.append('\\');
        }
        out.append(c);
    }
}

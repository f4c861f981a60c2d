package io.containerlogging.core;

/**
 * A text that every match of an RE2 pattern contains, found by reading the pattern's top level
 * conservatively: runs of literal characters that no quantifier makes optional, outside groups,
 * classes and alternations. When unsure, it stops reading and keeps what it has; a pattern with a
 * top-level {@code |} has none. Only {@code indexOf}-checkable facts are produced: a literal under
 * a leading {@code (?i)} is kept to ASCII, whose case variants {@link CaseFolding} knows all of.
 *
 * @param text the literal, at least one character
 * @param ignoreCase whether the pattern matches it ignoring case (a leading {@code (?i)})
 * @param whole whether the pattern is exactly this literal, matched case-sensitively, so that
 *     finding it is the whole match
 */
record RequiredLiteral(String text, boolean ignoreCase, boolean whole) {

    private static final String META = "\\.+*?()|[]{}^$";

    /** The longest required literal of a valid RE2 {@code pattern}, or null if none was found. */
    static RequiredLiteral of(String pattern) {
        int i = 0;
        boolean ignoreCase = false;
        if (pattern.startsWith("(?")) {
            int close = pattern.indexOf(')');
            String flags = close < 0 ? "" : pattern.substring(2, close);
            if (!flags.matches("[imsU]+")) {
                return null; // a group "(?:" or "(?P<", negated flags: not worth reading
            }
            ignoreCase = flags.indexOf('i') >= 0;
            i = close + 1;
        }
        if (topLevelAlternation(pattern)) {
            return null;
        }
        String best = "";
        boolean onlyLiteral = i == 0;
        StringBuilder run = new StringBuilder();
        while (i < pattern.length()) {
            char c = pattern.charAt(i);
            int next;
            char literal;
            if (c == '\\') {
                if (i + 1 >= pattern.length()) {
                    break;
                }
                char e = pattern.charAt(i + 1);
                if (e < 0x80 && !Character.isLetterOrDigit(e)) {
                    literal = e; // an escaped punctuation character is itself
                    next = i + 2;
                } else {
                    break; // classes, \x, \Q, \p{...}, octal: stop rather than parse them
                }
            } else if (META.indexOf(c) >= 0) {
                break; // a group, class, anchor, dot, or quantifier: what follows is not read
            } else if (Character.isSurrogate(c)) {
                break;
            } else {
                literal = c;
                next = i + 1;
            }
            if (ignoreCase && literal >= 0x80) {
                break;
            }
            // A quantifier on this character makes it optional or repeated: end the run before it.
            if (next < pattern.length() && isQuantifier(pattern, next)) {
                onlyLiteral = false;
                break;
            }
            run.append(literal);
            i = next;
        }
        if (i < pattern.length()) {
            onlyLiteral = false;
        }
        best = run.toString();
        if (best.isEmpty()) {
            return null;
        }
        return new RequiredLiteral(best, ignoreCase, onlyLiteral && !ignoreCase);
    }

    private static boolean isQuantifier(String pattern, int at) {
        char c = pattern.charAt(at);
        if (c == '*' || c == '+' || c == '?') {
            return true;
        }
        // RE2 reads '{' as a repetition only in the forms {n}, {n,} and {n,m}; else it is literal,
        // but reading it as one only shortens the literal.
        return c == '{';
    }

    /** True if {@code pattern} has a {@code |} outside every group and class. */
    private static boolean topLevelAlternation(String pattern) {
        int depth = 0;
        boolean inClass = false;
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\') {
                i++;
            } else if (inClass) {
                if (c == ']') {
                    inClass = false;
                }
            } else if (c == '[') {
                inClass = true;
                // a ']' right after '[' or '[^' is a member, not the end
                if (i + 1 < pattern.length() && pattern.charAt(i + 1) == '^') {
                    i++;
                }
                if (i + 1 < pattern.length() && pattern.charAt(i + 1) == ']') {
                    i++;
                }
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == '|' && depth == 0) {
                return true;
            }
        }
        return false;
    }
}

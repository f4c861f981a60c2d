package io.containerlogging.core;

/**
 * A text that every match of an RE2 pattern contains, found by reading the pattern's top level
 * conservatively: the longest run of literal characters that no quantifier makes optional,
 * between the groups, classes, escapes and anchors that it steps over. When unsure (hex or octal
 * escapes, {@code \Q}, flags set in the middle), it stops reading and keeps what it has; a
 * pattern with a top-level {@code |} has none. Under a leading {@code (?i)} only ASCII characters
 * are kept, whose case variants {@link CaseFolding} knows all of, so that finding the literal
 * is a necessary condition for a match.
 *
 * @param text the literal, at least one character
 * @param ignoreCase whether the pattern matches it ignoring case (a leading {@code (?i)})
 * @param whole whether the pattern is exactly this literal, matched case-sensitively, so that
 *     finding it is the whole match
 * @param patternIndex where in the pattern the literal begins: the pattern before it (a sequence
 *     of whole top-level atoms) is what a match has before the literal
 */
record RequiredLiteral(String text, boolean ignoreCase, boolean whole, int patternIndex) {

    private static final String META = "\\.+*?()|[]{}^$";
    private static final java.util.regex.Pattern REPEAT = java.util.regex.Pattern.compile("\\{\\d+(,\\d*)?}");
    private static final java.util.regex.Pattern FLAGS = java.util.regex.Pattern.compile("\\(\\?[imsU]+\\)");

    /** The longest required literal of a valid RE2 {@code pattern}, or null if none was found. */
    static RequiredLiteral of(String pattern) {
        if (topLevelAlternation(pattern)) {
            return null;
        }
        int i = 0;
        boolean ignoreCase = false;
        java.util.regex.Matcher flags = FLAGS.matcher(pattern);
        if (flags.lookingAt()) {
            ignoreCase = flags.group().indexOf('i') >= 0;
            i = flags.end();
        }
        boolean onlyOneRun = i == 0;
        String best = "";
        int bestStart = 0;
        StringBuilder run = new StringBuilder();
        int runStart = 0;
        int n = pattern.length();
        while (i < n) {
            char c = pattern.charAt(i);
            int next;
            char literal = 0;
            boolean isLiteral = false;
            if (c == '\\') {
                if (i + 1 >= n) {
                    break;
                }
                char e = pattern.charAt(i + 1);
                if (e < 0x80 && !Character.isLetterOrDigit(e)) {
                    literal = e; // an escaped punctuation character is itself
                    isLiteral = true;
                    next = i + 2;
                } else if ("dDsSwWbBAz".indexOf(e) >= 0) {
                    next = i + 2;
                } else if (e == 'p' || e == 'P') {
                    if (i + 2 >= n) {
                        break;
                    }
                    if (pattern.charAt(i + 2) == '{') {
                        int close = pattern.indexOf('}', i + 3);
                        if (close < 0) {
                            break;
                        }
                        next = close + 1;
                    } else {
                        next = i + 3;
                    }
                } else {
                    break; // \x, \Q, octal, \n and the like: stop rather than parse them
                }
            } else if (c == '[') {
                next = endOfClass(pattern, i);
            } else if (c == '(') {
                java.util.regex.Matcher midFlags = FLAGS.matcher(pattern).region(i, n);
                if (midFlags.lookingAt()) {
                    if (run.length() > 0 && skipQuantifier(pattern, midFlags.end()) != midFlags.end()) {
                        run.setLength(run.length() - 1); // "ab(?i){0}": the quantifier applies to the b
                    }
                    break; // flags changed from here on
                }
                next = endOfGroup(pattern, i);
            } else if (c == '.' || c == '^' || c == '$') {
                next = i + 1;
            } else if (META.indexOf(c) >= 0 || Character.isSurrogate(c)) {
                break; // a stray quantifier or ')' cannot occur in a valid pattern; surrogates: not worth it
            } else {
                literal = c;
                isLiteral = true;
                next = i + 1;
            }
            if (next < 0) {
                break;
            }
            int afterQuantifier = skipQuantifier(pattern, next);
            if (afterQuantifier < 0) {
                break;
            }
            boolean quantified = afterQuantifier != next;
            if (isLiteral && !quantified && !(ignoreCase && literal >= 0x80)) {
                if (run.length() == 0) {
                    runStart = i;
                }
                run.append(literal);
            } else {
                // The run ends here: this atom is not a required literal character.
                onlyOneRun = false;
                if (run.length() > best.length()) {
                    best = run.toString();
                    bestStart = runStart;
                }
                run.setLength(0);
            }
            i = afterQuantifier;
        }
        if (i < n) {
            onlyOneRun = false;
        }
        if (run.length() > best.length()) {
            best = run.toString();
            bestStart = runStart;
        }
        if (best.isEmpty()) {
            return null;
        }
        return new RequiredLiteral(best, ignoreCase, onlyOneRun && !ignoreCase, bestStart);
    }

    /** The index after a quantifier at {@code at} (or {@code at} if there is none); -1 if unsure. */
    private static int skipQuantifier(String pattern, int at) {
        if (at >= pattern.length()) {
            return at;
        }
        char c = pattern.charAt(at);
        int end;
        if (c == '*' || c == '+' || c == '?') {
            end = at + 1;
        } else if (c == '{') {
            java.util.regex.Matcher repeat = REPEAT.matcher(pattern).region(at, pattern.length());
            if (!repeat.lookingAt()) {
                return -1; // RE2 would read this '{' as a literal; not worth the subtlety
            }
            end = repeat.end();
        } else {
            return at;
        }
        return end < pattern.length() && pattern.charAt(end) == '?' ? end + 1 : end; // lazy form
    }

    /** The index after the class that starts at {@code open}, or -1. */
    static int endOfClass(String pattern, int open) {
        int i = open + 1;
        if (i < pattern.length() && pattern.charAt(i) == '^') {
            i++;
        }
        if (i < pattern.length() && pattern.charAt(i) == ']') {
            i++; // a ']' first is a member, not the end
        }
        while (i < pattern.length()) {
            char c = pattern.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == '[' && i + 1 < pattern.length() && pattern.charAt(i + 1) == ':') {
                int close = pattern.indexOf(":]", i + 2);
                if (close < 0) {
                    return -1;
                }
                i = close + 2;
            } else if (c == ']') {
                return i + 1;
            } else {
                i++;
            }
        }
        return -1;
    }

    /** The index after the group that starts at {@code open}, or -1. */
    private static int endOfGroup(String pattern, int open) {
        int depth = 0;
        int i = open;
        while (i < pattern.length()) {
            char c = pattern.charAt(i);
            if (c == '\\') {
                if (i + 1 < pattern.length() && pattern.charAt(i + 1) == 'Q') {
                    return -1;
                }
                i += 2;
            } else if (c == '[') {
                i = endOfClass(pattern, i);
                if (i < 0) {
                    return -1;
                }
            } else {
                if (c == '(') {
                    depth++;
                } else if (c == ')' && --depth == 0) {
                    return i + 1;
                }
                i++;
            }
        }
        return -1;
    }

    /**
     * True if {@code pattern} may have a {@code |} outside every group and class (also when it
     * cannot tell: quoted text, an unclosed class). {@link DfaTranslation} asks it too.
     */
    static boolean topLevelAlternation(String pattern) {
        int depth = 0;
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\') {
                if (i + 1 < pattern.length() && pattern.charAt(i + 1) == 'Q') {
                    return true; // quoted text: not read, so assume the worst
                }
                i++;
            } else if (c == '[') {
                int end = endOfClass(pattern, i);
                if (end < 0) {
                    return true;
                }
                i = end - 1;
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

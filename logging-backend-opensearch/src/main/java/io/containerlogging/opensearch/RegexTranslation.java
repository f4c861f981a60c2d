package io.containerlogging.opensearch;

/**
 * Translates an RE2 pattern (unanchored, as {@code LogQuery.regex} runs it) to a Lucene regular
 * expression over a whole keyword value, for the subset where both mean the same, and gives up
 * (null) on the rest. Lucene's syntax differs: it always matches the whole value, its {@code .}
 * matches a newline, it reserves {@code @ & ~ < > # "}, and it has no {@code \b}, no flags but
 * one ASCII-only case-insensitive switch, no Unicode classes. So: the pattern is wrapped in
 * {@code .*( … ).*} unless anchored by a leading {@code ^} or a trailing {@code $}; {@code .}
 * becomes {@code [^\n]}; {@code \d \w \s} become ASCII classes; every punctuation character is
 * escaped; a leading {@code (?i)} becomes the query's {@code case_insensitive} flag, only for
 * patterns whose letters are all ASCII and not k or s (RE2 folds those with the Kelvin sign
 * and the long s; Lucene's switch does not). Large repetition counts are refused, so that
 * Lucene's automaton stays small.
 *
 * <p>The backend re-checks every hit with RE2 anyway; the translation makes the server narrow
 * the candidates, and lets a count be answered by the server alone.
 */
final class RegexTranslation {

    /** The largest repetition count translated: Lucene determinizes the whole automaton. */
    static final int MAX_REPEAT = 100;
    /** The longest pattern translated. */
    static final int MAX_LENGTH = 512;

    /** A translated pattern: the Lucene regexp and whether it is matched ignoring (ASCII) case. */
    record Lucene(String regexp, boolean caseInsensitive) {
    }

    private final String pattern;
    private int at;
    private final StringBuilder out = new StringBuilder();

    private RegexTranslation(String pattern) {
        this.pattern = pattern;
    }

    /** The Lucene equivalent of RE2 {@code pattern}, or null if there is no exact one here. */
    static Lucene translate(String pattern) {
        if (pattern.length() > MAX_LENGTH) {
            return null;
        }
        boolean caseInsensitive = false;
        String body = pattern;
        if (body.startsWith("(?i)")) {
            caseInsensitive = true;
            body = body.substring(4);
            for (int i = 0; i < body.length(); i++) {
                char c = body.charAt(i);
                // '[': whether Lucene folds the case of class ranges is not something to rely on
                if (c >= 0x80 || "kKsS[".indexOf(c) >= 0) {
                    return null;
                }
            }
        }
        boolean anchoredStart = body.startsWith("^");
        boolean anchoredEnd = body.endsWith("$") && !body.endsWith("\\$");
        if ((anchoredStart || anchoredEnd) && hasTopLevelAlternation(body)) {
            return null; // an anchor then binds to one branch only
        }
        if (anchoredStart) {
            body = body.substring(1);
        }
        if (anchoredEnd) {
            body = body.substring(0, body.length() - 1);
            if (body.endsWith("\\")) { // e.g. "\\$" with an escaped backslash: not worth the care
                return null;
            }
        }
        if (body.isEmpty()) {
            return null;
        }
        RegexTranslation translation = new RegexTranslation(body);
        if (!translation.sequence(false)) {
            return null;
        }
        String regexp = (anchoredStart ? "" : ".*") + "(" + translation.out + ")" + (anchoredEnd ? "" : ".*");
        if (regexp.length() > CaseClasses.MAX_REGEX_LENGTH) {
            return null;
        }
        return new Lucene(regexp, caseInsensitive);
    }

    /** Translates up to the end (or a ')' when inGroup); false if something has no exact equivalent. */
    private boolean sequence(boolean inGroup) {
        boolean atomBefore = false;
        while (at < pattern.length()) {
            char c = pattern.charAt(at);
            if (c == ')') {
                return inGroup;
            }
            if (c == '|') {
                out.append('|');
                at++;
                atomBefore = false;
                continue;
            }
            if (c == '*' || c == '+' || c == '?' || (c == '{' && isRepeat())) {
                if (!atomBefore || !quantifier()) {
                    return false;
                }
                atomBefore = false; // a quantifier cannot follow a quantifier
                continue;
            }
            if (!atom()) {
                return false;
            }
            atomBefore = true;
        }
        return !inGroup;
    }

    private boolean atom() {
        char c = pattern.charAt(at);
        if (Character.isSurrogate(c) || c == '^' || c == '$') {
            return false; // anchors inside: Lucene has none
        }
        if (c == '(') {
            at++;
            if (pattern.startsWith("?:", at)) {
                at += 2;
            } else if (pattern.startsWith("?P<", at)) {
                int close = pattern.indexOf('>', at);
                if (close < 0) {
                    return false;
                }
                at = close + 1;
            } else if (at < pattern.length() && pattern.charAt(at) == '?') {
                return false; // flags
            }
            out.append('(');
            int length = out.length();
            if (!sequence(true) || at >= pattern.length() || out.length() == length) {
                return false; // unclosed, or "()" which Lucene refuses
            }
            at++;
            out.append(')');
            return true;
        }
        if (c == '[') {
            return characterClass();
        }
        if (c == '.') {
            at++;
            out.append("[^\n]");
            return true;
        }
        if (c == '\\') {
            return escape(false);
        }
        at++;
        literal(c);
        return true;
    }

    private void literal(char c) {
        if (c < 0x80 && !Character.isLetterOrDigit(c)) {
            out.append('\\');
        }
        out.append(c);
    }

    /** An escape at {@code at}; inside a class only what expands to class members. */
    private boolean escape(boolean inClass) {
        if (at + 1 >= pattern.length()) {
            return false;
        }
        char e = pattern.charAt(at + 1);
        at += 2;
        String members;
        switch (e) {
            case 'd': members = "0-9"; break;
            case 'w': members = "0-9A-Za-z_"; break;
            case 's': members = "\t\n\f\r "; break;
            case 'D': case 'W': case 'S':
                if (inClass) {
                    return false;
                }
                out.append("[^").append(e == 'D' ? "0-9" : e == 'W' ? "0-9A-Za-z_" : "\t\n\f\r ").append(']');
                return true;
            case 't': out.append('\t'); return true;
            case 'n': out.append('\n'); return true;
            case 'r': out.append('\r'); return true;
            case 'f': out.append('\f'); return true;
            case 'v': out.append('\u000B'); return true;
            default:
                if (e < 0x80 && !Character.isLetterOrDigit(e)) {
                    out.append('\\').append(e);
                    return true;
                }
                return false; // \b \B \A \z \p \x \Q octal: no equivalent translated
        }
        if (inClass) {
            out.append(escapeClassMembers(members));
        } else {
            out.append('[').append(escapeClassMembers(members)).append(']');
        }
        return true;
    }

    private static String escapeClassMembers(String members) {
        return members; // ranges and plain characters, none special inside a Lucene class
    }

    private boolean characterClass() {
        at++; // '['
        out.append('[');
        if (at < pattern.length() && pattern.charAt(at) == '^') {
            out.append('^');
            at++;
        }
        boolean first = true;
        while (at < pattern.length()) {
            char c = pattern.charAt(at);
            if (c == ']' && !first) {
                at++;
                out.append(']');
                return true;
            }
            first = false;
            if (c == '[' || Character.isSurrogate(c)) {
                return false; // [:alpha:] and the like
            }
            if (c == '\\') {
                if (!escape(true)) {
                    return false;
                }
                continue;
            }
            if (c == '-' && at + 1 < pattern.length() && pattern.charAt(at + 1) != ']' && out.charAt(out.length() - 1) != '[' && out.charAt(out.length() - 1) != '^') {
                out.append('-'); // a range
                at++;
                continue;
            }
            at++;
            literal(c);
        }
        return false;
    }

    private boolean isRepeat() {
        int close = pattern.indexOf('}', at);
        return close > 0 && pattern.substring(at + 1, close).matches("\\d{1,3}(,\\d{0,3})?");
    }

    private boolean quantifier() {
        char c = pattern.charAt(at);
        if (c == '{') {
            int close = pattern.indexOf('}', at);
            String body = pattern.substring(at + 1, close);
            for (String count : body.split(",")) {
                if (!count.isEmpty() && Integer.parseInt(count) > MAX_REPEAT) {
                    return false;
                }
            }
            out.append('{').append(body).append('}');
            at = close + 1;
        } else {
            out.append(c);
            at++;
        }
        if (at < pattern.length() && pattern.charAt(at) == '?') {
            at++; // lazy: the same set of matches
        }
        return true;
    }

    private static boolean hasTopLevelAlternation(String pattern) {
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

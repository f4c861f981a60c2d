package io.containerlogging.core;

/**
 * Refuses RE2 patterns whose compiled program would be huge, before RE2/J compiles them. RE2
 * itself refuses nested repetitions whose counts multiply past 1000 ({@code (x{1000}){1000}}:
 * "bad repetition operator"); RE2/J does not, and compiling that one pattern took 400 MB of heap,
 * while {@code ((x{1000}){1000}){1000}} ran out of memory (measured with RE2/J 1.8). Matching time
 * grows with the program too, so the total is bounded as well.
 *
 * <p>The estimate reads the pattern's structure (groups, classes, escapes, alternations,
 * quantifiers): one unit per atom, times the largest count of each repetition around it.
 */
final class RegexSize {

    /** RE2's limit on the product of nested repetition counts. */
    static final int MAX_NESTED_REPEAT = 1000;
    /** The largest estimated program accepted (atoms times their repetitions). */
    static final int MAX_SIZE = 10_000;

    private final String pattern;
    private int at;

    private RegexSize(String pattern) {
        this.pattern = pattern;
    }

    /**
     * @throws IllegalArgumentException if {@code pattern} repeats too much or would compile too large
     */
    static void check(String pattern) {
        RegexSize reader = new RegexSize(pattern);
        long size = reader.alternation(1);
        if (size > MAX_SIZE) {
            throw new IllegalArgumentException("regex '" + pattern + "' is too large (about " + size
                    + " steps, at most " + MAX_SIZE + " allowed)");
        }
    }

    /** Reads up to an unmatched ')' or the end; returns the size. */
    private long alternation(long product) {
        long size = 0;
        while (at < pattern.length() && pattern.charAt(at) != ')') {
            if (pattern.charAt(at) == '|') {
                at++;
                size++;
                continue;
            }
            long atom = atom(product);
            long repeat = repeat();
            if (repeat > 1 && product * repeat > MAX_NESTED_REPEAT) {
                throw new IllegalArgumentException("regex '" + pattern + "' repeats too much: nested repetition"
                        + " counts multiply to more than " + MAX_NESTED_REPEAT + " (as RE2 refuses)");
            }
            size = Math.min(Long.MAX_VALUE / 2, size + atom * Math.max(1, repeat));
            if (size > MAX_SIZE) {
                return size;
            }
        }
        return size;
    }

    private long atom(long product) {
        char c = pattern.charAt(at);
        if (c == '(') {
            at++;
            long repeatOfGroup = peekRepeatOfGroup();
            long inner = alternation(product * Math.max(1, repeatOfGroup));
            if (at < pattern.length()) {
                at++; // ')'
            }
            return inner + 1;
        }
        if (c == '[') {
            int end = RequiredLiteral.endOfClass(pattern, at);
            at = end < 0 ? pattern.length() : end;
            return 1;
        }
        if (c == '\\' && at + 1 < pattern.length()) {
            char e = pattern.charAt(at + 1);
            if (e == 'Q') {
                int end = pattern.indexOf("\\E", at + 2);
                int stop = end < 0 ? pattern.length() : end + 2;
                long size = stop - at;
                at = stop;
                return size;
            }
            if ((e == 'p' || e == 'P' || e == 'x') && at + 2 < pattern.length() && pattern.charAt(at + 2) == '{') {
                int close = pattern.indexOf('}', at + 3);
                at = close < 0 ? pattern.length() : close + 1;
                return 1;
            }
            at += 2;
            return 1;
        }
        at++;
        return 1;
    }

    /** The count of the repetition after the group that starts at {@code at}, without moving. */
    private long peekRepeatOfGroup() {
        int saved = at;
        int depth = 1;
        int i = at;
        while (i < pattern.length() && depth > 0) {
            char c = pattern.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == '[') {
                int end = RequiredLiteral.endOfClass(pattern, i);
                i = end < 0 ? pattern.length() : end;
            } else {
                if (c == '(') {
                    depth++;
                } else if (c == ')') {
                    depth--;
                }
                i++;
            }
        }
        at = i;
        long repeat = repeat();
        at = saved;
        return repeat;
    }

    /**
     * Reads a quantifier at {@code at}, if any: its largest count; 1 for none and for * + ?, which
     * loop instead of copying (as RE2 counts them).
     */
    private long repeat() {
        if (at >= pattern.length()) {
            return 1;
        }
        char c = pattern.charAt(at);
        long count;
        if (c == '*' || c == '+' || c == '?') {
            at++;
            count = 1;
        } else if (c == '{') {
            int close = pattern.indexOf('}', at);
            String body = close < 0 ? "" : pattern.substring(at + 1, close);
            if (!body.matches("\\d{1,6}(,\\d{0,6})?")) {
                return 1; // a literal '{'
            }
            at = close + 1;
            String[] parts = body.split(",", -1);
            long min = Long.parseLong(parts[0]);
            count = parts.length == 1 ? min : parts[1].isEmpty() ? min + 1 : Math.max(min, Long.parseLong(parts[1]));
        } else {
            return 1;
        }
        if (at < pattern.length() && pattern.charAt(at) == '?') {
            at++;
        }
        return Math.max(1, count);
    }
}

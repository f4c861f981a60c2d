package io.containerlogging.core;

import dk.brics.automaton.Automaton;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a dk.brics automaton (a nondeterministic one, over UTF-16 code units) for the subset of
 * RE2 syntax where the automaton means exactly what RE2 means, and gives up (null) on the rest;
 * {@link RegexDfa} then determinizes it. The rules follow the OpenSearch backend's
 * {@code RegexTranslation}: {@code .} is every character but {@code \n} (every one under
 * {@code (?s)}); {@code \d \w \s} are RE2's ASCII classes; a negated class also matches
 * {@code \n}, as in RE2; a leading {@code (?i)} is kept only for patterns whose letters are ASCII
 * and not k or s (RE2 folds those with the Kelvin sign and the long s) and that have no class
 * or {@code \w} (RE2 folds their ranges too); {@code ^} only first and {@code $} only last (RE2's
 * {@code $} is the end of the text, not of a line), and neither with a top-level {@code |}.
 * Everything else ({@code \b}, {@code \p}, {@code \x}, {@code \Q}, octal, flags anywhere but at
 * the start, {@code (?m)}, supplementary characters) stays with RE2/J.
 *
 * <p>The automaton is built directly rather than through brics' own regex syntax, so there is no
 * second syntax to escape for. Its size is bounded while it is built: a repetition whose copies
 * would pass {@link #MAX_STATES} states gives up before brics copies anything.
 */
final class DfaTranslation {

    /** The most states of the nondeterministic automaton built. */
    static final int MAX_STATES = 1_000;

    /** A translated pattern: the automaton of its body and where it is anchored. */
    record Translated(Automaton automaton, boolean anchoredStart, boolean anchoredEnd) {
    }

    /** Thrown inside the parser when the pattern leaves the subset; caught in {@link #translate}. */
    private static final class Unsupported extends RuntimeException {
        Unsupported() {
            super(null, null, false, false);
        }
    }

    private static final Unsupported UNSUPPORTED = new Unsupported();

    private final String pattern;
    private final boolean ignoreCase;
    private final boolean dotAll;
    private int at;

    private DfaTranslation(String pattern, boolean ignoreCase, boolean dotAll) {
        this.pattern = pattern;
        this.ignoreCase = ignoreCase;
        this.dotAll = dotAll;
    }

    /** The automaton of a valid RE2 {@code pattern}, or null if it is not one this class translates exactly. */
    static Translated translate(String pattern) {
        String body = pattern;
        boolean ignoreCase = false;
        boolean dotAll = false;
        if (body.startsWith("(?")) {
            int close = body.indexOf(')');
            if (close < 0) {
                return null;
            }
            String flags = body.substring(2, close);
            if (flags.isEmpty() || !flags.chars().allMatch(f -> f == 'i' || f == 's' || f == 'U')) {
                return null; // (?m), (?:…), (?P<…>…) at the start: not worth the care here
            }
            ignoreCase = flags.indexOf('i') >= 0;
            dotAll = flags.indexOf('s') >= 0; // U (ungreedy) changes which match, never whether
            body = body.substring(close + 1);
        }
        boolean anchoredStart = body.startsWith("^");
        boolean anchoredEnd = body.endsWith("$") && trailingBackslashes(body, body.length() - 1) % 2 == 0;
        if (anchoredStart) {
            body = body.substring(1);
        }
        if (anchoredEnd) {
            body = body.substring(0, body.length() - 1);
        }
        if (anchoredStart && body.startsWith("*") || anchoredEnd && body.endsWith("$")) {
            return null; // a quantified or doubled anchor: RE2 accepts it, nobody means it
        }
        DfaTranslation translation = new DfaTranslation(body, ignoreCase, dotAll);
        try {
            if ((anchoredStart || anchoredEnd) && RequiredLiteral.topLevelAlternation(body)) {
                return null; // an anchor then binds to one branch only
            }
            Automaton automaton = translation.alternation();
            if (translation.at != body.length()) {
                return null; // an unmatched ')'
            }
            return new Translated(automaton, anchoredStart, anchoredEnd);
        } catch (Unsupported unsupported) {
            return null;
        }
    }

    private static int trailingBackslashes(String s, int end) {
        int count = 0;
        while (end - count - 1 >= 0 && s.charAt(end - count - 1) == '\\') {
            count++;
        }
        return count;
    }

    /** Alternatives up to the end or a ')'. */
    private Automaton alternation() {
        Automaton result = sequence();
        while (at < pattern.length() && pattern.charAt(at) == '|') {
            at++;
            result = bounded(result.union(sequence()));
        }
        return result;
    }

    private Automaton sequence() {
        List<Automaton> parts = new ArrayList<>();
        boolean quantified = false;
        while (at < pattern.length()) {
            char c = pattern.charAt(at);
            if (c == '|' || c == ')') {
                break;
            }
            if (c == '*' || c == '+' || c == '?' || (c == '{' && repeatEnd() > 0)) {
                if (parts.isEmpty() || quantified) {
                    throw UNSUPPORTED; // RE2 refuses most of these; the rest nobody means
                }
                parts.set(parts.size() - 1, quantifier(parts.get(parts.size() - 1)));
                quantified = true;
                continue;
            }
            parts.add(atom());
            quantified = false;
        }
        return parts.isEmpty() ? Automaton.makeEmptyString() : bounded(Automaton.concatenate(parts));
    }

    private Automaton atom() {
        char c = pattern.charAt(at);
        if (Character.isSurrogate(c) || c == '^' || c == '$') {
            throw UNSUPPORTED; // anchors inside; supplementary characters are code points to RE2
        }
        if (c == '(') {
            at++;
            if (pattern.startsWith("?:", at)) {
                at += 2;
            } else if (pattern.startsWith("?P<", at) || pattern.startsWith("?<", at)) {
                int close = pattern.indexOf('>', at);
                if (close < 0) {
                    throw UNSUPPORTED;
                }
                at = close + 1;
            } else if (at < pattern.length() && pattern.charAt(at) == '?') {
                throw UNSUPPORTED; // flags in the middle
            }
            Automaton inner = alternation();
            if (at >= pattern.length() || pattern.charAt(at) != ')') {
                throw UNSUPPORTED;
            }
            at++;
            return inner;
        }
        if (c == '[') {
            return characterClass();
        }
        if (c == '.') {
            at++;
            return dotAll ? Automaton.makeAnyChar() : ranges(List.of(new char[] {'\n', '\n'}), true);
        }
        if (c == '\\') {
            return escape();
        }
        at++;
        return literal(c);
    }

    private Automaton literal(char c) {
        if (!ignoreCase) {
            return Automaton.makeChar(c);
        }
        if (c >= 0x80 || "kKsS".indexOf(c) >= 0) {
            throw UNSUPPORTED; // case orbits with non-ASCII members, or ones not checked here
        }
        char lower = Character.toLowerCase(c);
        char upper = Character.toUpperCase(c);
        return lower == upper ? Automaton.makeChar(c) : Automaton.makeChar(lower).union(Automaton.makeChar(upper));
    }

    /** An escape outside a class. */
    private Automaton escape() {
        if (at + 1 >= pattern.length()) {
            throw UNSUPPORTED;
        }
        char e = pattern.charAt(at + 1);
        at += 2;
        List<char[]> members = perlClass(e);
        if (members != null) {
            return ranges(members, false);
        }
        if (e == 'D' || e == 'S' || e == 'W') {
            return ranges(perlClass(Character.toLowerCase(e)), true);
        }
        return literal(escapedCharacter(e));
    }

    /** The members of {@code \d \s \w} as RE2 defines them (ASCII), or null for another letter. */
    private List<char[]> perlClass(char e) {
        switch (e) {
            case 'd':
                return List.of(new char[] {'0', '9'});
            case 's':
                return List.of(new char[] {'\t', '\n'}, new char[] {'\f', '\r'}, new char[] {' ', ' '});
            case 'w':
                if (ignoreCase) {
                    throw UNSUPPORTED; // RE2 adds the case variants of its letters (the Kelvin sign)
                }
                return List.of(new char[] {'0', '9'}, new char[] {'A', 'Z'}, new char[] {'_', '_'},
                        new char[] {'a', 'z'});
            case 'W':
                if (ignoreCase) {
                    throw UNSUPPORTED;
                }
                return null;
            default:
                return null;
        }
    }

    /** The character an escape other than a class stands for. */
    private static char escapedCharacter(char e) {
        switch (e) {
            case 'a': return 0x07;
            case 'f': return '\f';
            case 't': return '\t';
            case 'n': return '\n';
            case 'r': return '\r';
            case 'v': return 0x0B;
            default:
                if (e < 0x80 && !Character.isLetterOrDigit(e)) {
                    return e; // an escaped punctuation character is itself
                }
                throw UNSUPPORTED; // \b \B \A \z \p \x \Q \C octal: left to RE2/J
        }
    }

    private Automaton characterClass() {
        if (ignoreCase) {
            throw UNSUPPORTED; // RE2 folds class ranges with non-ASCII case variants
        }
        at++; // '['
        boolean negated = at < pattern.length() && pattern.charAt(at) == '^';
        if (negated) {
            at++;
        }
        List<char[]> members = new ArrayList<>();
        boolean first = true;
        while (at < pattern.length()) {
            char c = pattern.charAt(at);
            if (c == ']' && !first) {
                at++;
                return ranges(members, negated);
            }
            first = false;
            int low = classMember(members);
            if (low < 0) {
                continue; // \d \s \w, added already
            }
            if (at + 1 < pattern.length() && pattern.charAt(at) == '-' && pattern.charAt(at + 1) != ']') {
                at++;
                int high = classMember(members);
                if (high < low) {
                    throw UNSUPPORTED; // a range to a class, or reversed (RE2 refuses that)
                }
                members.add(new char[] {(char) low, (char) high});
            } else {
                members.add(new char[] {(char) low, (char) low});
            }
        }
        throw UNSUPPORTED;
    }

    /**
     * Reads one class member at {@code at}: a character (returned), or {@code \d \s \w}, whose
     * ranges go into {@code members} (then -1 is returned).
     */
    private int classMember(List<char[]> members) {
        char c = pattern.charAt(at);
        if (c == '[' || Character.isSurrogate(c)) {
            throw UNSUPPORTED; // [:alpha:] and the like
        }
        if (c != '\\') {
            at++;
            return c;
        }
        if (at + 1 >= pattern.length()) {
            throw UNSUPPORTED;
        }
        char e = pattern.charAt(at + 1);
        at += 2;
        List<char[]> perl = perlClass(e);
        if (perl != null) {
            members.addAll(perl);
            return -1;
        }
        return escapedCharacter(e);
    }

    /** The characters in {@code members}, or (negated) every other character. */
    private static Automaton ranges(List<char[]> members, boolean negated) {
        List<char[]> sorted = new ArrayList<>(members);
        sorted.sort((a, b) -> Character.compare(a[0], b[0]));
        List<char[]> merged = new ArrayList<>();
        for (char[] range : sorted) {
            char[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && range[0] <= last[1] + 1) {
                last[1] = (char) Math.max(last[1], range[1]);
            } else {
                merged.add(new char[] {range[0], range[1]});
            }
        }
        List<Automaton> alternatives = new ArrayList<>();
        if (!negated) {
            for (char[] range : merged) {
                alternatives.add(Automaton.makeCharRange(range[0], range[1]));
            }
        } else {
            int next = 0;
            for (char[] range : merged) {
                if (range[0] > next) {
                    alternatives.add(Automaton.makeCharRange((char) next, (char) (range[0] - 1)));
                }
                next = range[1] + 1;
            }
            if (next <= Character.MAX_VALUE) {
                alternatives.add(Automaton.makeCharRange((char) next, Character.MAX_VALUE));
            }
        }
        return alternatives.isEmpty() ? Automaton.makeEmpty() : Automaton.union(alternatives);
    }

    /** The end (exclusive) of a repetition {@code {n}}, {@code {n,}} or {@code {n,m}} at {@code at}, or -1. */
    private int repeatEnd() {
        int close = pattern.indexOf('}', at);
        if (close < 0 || !pattern.substring(at + 1, close).matches("\\d{1,4}(,\\d{0,4})?")) {
            return -1;
        }
        return close + 1;
    }

    private Automaton quantifier(Automaton atom) {
        char c = pattern.charAt(at);
        Automaton result;
        if (c == '{') {
            int end = repeatEnd();
            String[] counts = pattern.substring(at + 1, end - 1).split(",", -1);
            int min = Integer.parseInt(counts[0]);
            int max = counts.length == 1 ? min : counts[1].isEmpty() ? -1 : Integer.parseInt(counts[1]);
            long copies = Math.max(min, max) + 1L;
            if (copies * atom.getNumberOfStates() > MAX_STATES) {
                throw UNSUPPORTED; // before brics copies anything
            }
            at = end;
            result = max < 0 ? atom.repeat(min) : atom.repeat(min, max);
        } else {
            at++;
            result = c == '*' ? atom.repeat() : c == '+' ? atom.repeat(1) : atom.optional();
        }
        if (at < pattern.length() && pattern.charAt(at) == '?') {
            at++; // lazy: the same set of matches
        }
        return bounded(result);
    }

    private static Automaton bounded(Automaton automaton) {
        if (automaton.getNumberOfStates() > MAX_STATES) {
            throw UNSUPPORTED;
        }
        return automaton;
    }
}

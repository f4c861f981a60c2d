package io.containerlogging.core;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.AbstractList;
import java.util.Collection;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * The {@code regex} patterns of a {@link LogQuery}: an immutable list of the patterns as given,
 * which also carries them compiled, so that a query compiles each once (see {@link SearchTexts}
 * for why the list itself carries it).
 *
 * <p>Patterns are RE2 syntax, run by RE2/J: matching takes time linear in the text whatever the
 * pattern, so a user's pattern cannot hold a core (java.util.regex backtracks: {@code (a+)+$}
 * against a long run of {@code a}s takes exponential time). RE2/J is several times slower per
 * character than {@code indexOf}, so each pattern also carries a literal that every match must
 * contain ({@link RequiredLiteral}); a message without it is rejected by an {@code indexOf} scan,
 * and a pattern that is nothing but a literal never runs the engine. Where the literal does not
 * decide, a pattern in the subset {@link DfaTranslation} translates exactly runs as a DFA
 * ({@link RegexDfa}: one table lookup a character, bounded in size at compile time); RE2/J stays
 * the authority for every other pattern, and for texts with supplementary characters.
 */
final class RegexPatterns extends AbstractList<String> implements RandomAccess {

    static final RegexPatterns NONE = new RegexPatterns(new String[0], new Pattern[0], new RequiredLiteral[0],
            new RegexDfa[0]);

    private final String[] sources;
    private final Pattern[] patterns;
    private final RequiredLiteral[] literals; // null where there is none
    private final CaseFolding.Needle[] foldedLiterals; // for literals under (?i)
    private final RegexDfa[] dfas; // null where RE2/J runs the pattern
    private final boolean readAscii; // every pattern is decided by a DFA that reads ASCII bytes

    private RegexPatterns(String[] sources, Pattern[] patterns, RequiredLiteral[] literals, RegexDfa[] dfas) {
        this.sources = sources;
        this.patterns = patterns;
        this.literals = literals;
        this.dfas = dfas;
        boolean ascii = dfas.length > 0;
        for (int i = 0; i < dfas.length; i++) {
            ascii &= dfas[i] != null && dfas[i].readsAscii() && (literals[i] == null || dfas[i].findsLiteral());
        }
        this.readAscii = ascii;
        this.foldedLiterals = new CaseFolding.Needle[literals.length];
        for (int i = 0; i < literals.length; i++) {
            if (literals[i] != null && literals[i].ignoreCase()) {
                foldedLiterals[i] = new CaseFolding.Needle(literals[i].text());
            }
        }
    }

    /**
     * The patterns of {@code values}, compiled; reuses {@code values} if it already is one.
     *
     * @throws NullPointerException if a pattern is null
     * @throws IllegalArgumentException if a pattern is empty, invalid or uses syntax RE2 does not
     *     support (backreferences, lookaround); the message quotes it
     */
    static RegexPatterns of(Collection<String> values) {
        if (values == null || values.isEmpty()) {
            return NONE;
        }
        if (values instanceof RegexPatterns) {
            return (RegexPatterns) values;
        }
        String[] sources = values.toArray(new String[0]);
        Pattern[] patterns = new Pattern[sources.length];
        RequiredLiteral[] literals = new RequiredLiteral[sources.length];
        RegexDfa[] dfas = new RegexDfa[sources.length];
        for (int i = 0; i < sources.length; i++) {
            String source = Objects.requireNonNull(sources[i], "a regex must not be null");
            if (source.isEmpty()) {
                throw new IllegalArgumentException("a regex must not be empty");
            }
            RegexSize.check(source); // before compiling: RE2/J itself sets no bound
            try {
                patterns[i] = Pattern.compile(source);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("invalid or unsupported regex '" + source + "': "
                        + e.getDescription(), e);
            } catch (RuntimeException e) { // RE2/J reports a few limits (repeat counts, size) otherwise
                throw new IllegalArgumentException("invalid or unsupported regex '" + source + "': "
                        + e.getMessage(), e);
            }
            literals[i] = RequiredLiteral.of(source);
            if (literals[i] == null || !literals[i].whole()) {
                dfas[i] = RegexDfa.of(source, literals[i]); // after RE2/J accepted it: only valid patterns get here
            }
        }
        return new RegexPatterns(sources, patterns, literals, dfas);
    }

    /** True if every pattern matches somewhere in {@code message}. */
    boolean allMatch(String message) {
        for (int i = 0; i < patterns.length; i++) {
            RequiredLiteral literal = literals[i];
            RegexDfa dfa = dfas[i];
            if (literal != null && (dfa == null || !dfa.findsLiteral())) {
                boolean found = literal.ignoreCase() ? foldedLiterals[i].foundIn(message)
                        : message.contains(literal.text());
                if (!found) {
                    return false;
                }
                if (literal.whole()) {
                    continue;
                }
            }
            int verdict = dfa == null ? RegexDfa.UNDECIDED : dfa.find(message);
            if (verdict == RegexDfa.NO_MATCH
                    || verdict == RegexDfa.UNDECIDED && !patterns[i].matcher(message).find()) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@link #allMatch} for a text given as UTF-8 bytes, where it can be decided without decoding
     * them: {@link RegexDfa#MATCH} or {@link RegexDfa#NO_MATCH}, else {@link RegexDfa#UNDECIDED}
     * (a pattern without a DFA, with a literal checked apart from it or not ASCII, or a text whose
     * non-ASCII bytes would have to be read).
     */
    int allMatchAscii(byte[] utf8, int offset, int length) {
        if (!readAscii) {
            return RegexDfa.UNDECIDED;
        }
        int verdict = RegexDfa.MATCH;
        for (RegexDfa dfa : dfas) {
            int one = dfa.findAscii(utf8, offset, length);
            if (one == RegexDfa.NO_MATCH) {
                return RegexDfa.NO_MATCH;
            }
            if (one == RegexDfa.UNDECIDED) {
                verdict = RegexDfa.UNDECIDED;
            }
        }
        return verdict;
    }

    @Override
    public String get(int index) {
        return sources[index];
    }

    @Override
    public int size() {
        return sources.length;
    }
}

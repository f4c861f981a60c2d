package io.containerlogging.core;

import dk.brics.automaton.Automaton;
import dk.brics.automaton.State;
import dk.brics.automaton.Transition;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A deterministic automaton that answers RE2/J's {@code find()} for the patterns
 * {@link DfaTranslation} translates exactly: one table lookup per character instead of RE2/J's
 * NFA simulation (~30 ns a character, measured). Immutable and thread-safe.
 *
 * <p>It is built eagerly, by subset construction over the translated automaton, and bounded: more
 * than {@link #MAX_STATES} states, or more than {@link #MAX_WORK} steps of construction, and
 * {@link #of} gives up, so that a pattern whose DFA explodes ({@code [ab]*a[ab]{20}} has 2^21
 * states) costs a bounded moment at compile time and is then run by RE2/J, linear as ever.
 *
 * <p>Unanchored search is built in: every state also holds the automaton's start (a match may
 * begin at any character), and, unless the pattern ends with {@code $}, the first accepting state
 * reached ends the search. Text is read as UTF-16 code units; RE2/J reads code points, so a text
 * with a surrogate is left to RE2/J ({@link #UNDECIDED}) rather than translated with care.
 *
 * <p>Where the pattern has a case-sensitive {@link RequiredLiteral} and what comes before it in
 * the pattern matches at most {@code L} characters, only windows around the literal's
 * occurrences are read: a match that uses the occurrence at {@code p} starts at or after
 * {@code p - 2L} (a code point is at most two UTF-16 units), so the DFA starts there and stops
 * once it is back in its start state past {@code p} (no attempt begun so far is alive); the next
 * occurrence is found with {@code indexOf}, which is vectorised. A DFA step costs ~2 ns a
 * character (measured: 13.6x an {@code indexOf} scan on 100-character lines), too much to read
 * every character when the literal is in every line.
 */
final class RegexDfa {

    /** The most DFA states built. */
    static final int MAX_STATES = 1_000;
    /** The most steps (NFA transitions visited) spent building one DFA. */
    static final long MAX_WORK = 1_000_000;

    static final int NO_MATCH = 0;
    static final int MATCH = 1;
    /** The text has a surrogate: RE2/J, which reads code points, must decide. */
    static final int UNDECIDED = 2;

    private static final int DEAD = -1;
    private static final int ASCII = 128;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);

    private final int start;
    private final boolean anchoredEnd;
    private final boolean[] accept;
    /** {@code ascii[state * 128 + c]}: the next state after ASCII {@code c}, or DEAD. */
    private final int[] ascii;
    /** Start of each class of characters at and above 128, ascending; {@code points[0] == 128}. */
    private final char[] points;
    /** {@code other[state * points.length + class]}: the next state, or DEAD. */
    private final int[] other;
    /** A literal every match contains, or null to read every character. */
    private final String literal;
    /** How far before an occurrence of {@link #literal} a match can start, in UTF-16 units. */
    private final int window;
    /** {@link #literal} as bytes if it is ASCII (for {@link #findAscii}), else null. */
    private final byte[] asciiLiteral;

    private RegexDfa(RegexDfa dfa, String literal, int window) {
        this(dfa.start, dfa.anchoredEnd, dfa.accept, dfa.ascii, dfa.points, dfa.other, literal, window);
    }

    private RegexDfa(int start, boolean anchoredEnd, boolean[] accept, int[] ascii, char[] points, int[] other,
            String literal, int window) {
        this.literal = literal;
        this.window = window;
        this.asciiLiteral = literal != null && literal.chars().allMatch(c -> c < ASCII)
                ? literal.getBytes(StandardCharsets.US_ASCII) : null;
        this.start = start;
        this.anchoredEnd = anchoredEnd;
        this.accept = accept;
        this.ascii = ascii;
        this.points = points;
        this.other = other;
    }

    /** The DFA of a valid RE2 {@code pattern}, or null if RE2/J should run it (not translated, or too large). */
    static RegexDfa of(String pattern) {
        return of(pattern, RequiredLiteral.of(pattern));
    }

    /**
     * The DFA of a valid RE2 {@code pattern} whose required literal is {@code literal} (null for
     * none), or null if RE2/J should run it.
     */
    static RegexDfa of(String pattern, RequiredLiteral literal) {
        DfaTranslation.Translated translated = DfaTranslation.translate(pattern);
        RegexDfa dfa = translated == null ? null : new Builder(translated).build();
        if (dfa != null && literal != null && !literal.ignoreCase() && !translated.anchoredStart()) {
            DfaTranslation.Translated before = DfaTranslation.translate(pattern.substring(0, literal.patternIndex()));
            int longest = before == null || before.anchoredStart() ? -1 : longestMatch(before.automaton());
            if (longest >= 0 && longest <= MAX_WINDOW) {
                return new RegexDfa(dfa, literal.text(), 2 * longest);
            }
        }
        return dfa;
    }

    /** The longest window read before an occurrence of the literal. */
    static final int MAX_WINDOW = 1_000;

    /** The length of the longest string {@code automaton} accepts, or -1 if there is no longest. */
    private static int longestMatch(Automaton automaton) {
        return longest(automaton.getInitialState(), new IdentityHashMap<>(), 0);
    }

    /** -2 in {@code memo}: on the path being explored (a loop); -1: accepts nothing. */
    private static int longest(State state, Map<State, Integer> memo, int depth) {
        Integer known = memo.get(state);
        if (known != null) {
            return known == -2 ? Integer.MIN_VALUE : known;
        }
        if (depth > DfaTranslation.MAX_STATES) {
            return Integer.MIN_VALUE;
        }
        memo.put(state, -2);
        int best = state.isAccept() ? 0 : -1;
        for (Transition transition : state.getTransitions()) {
            int next = longest(transition.getDest(), memo, depth + 1);
            if (next == Integer.MIN_VALUE) {
                return Integer.MIN_VALUE; // a loop: no longest
            }
            if (next >= 0) {
                best = Math.max(best, next + 1);
            }
        }
        memo.put(state, best);
        return best;
    }

    /** True if {@link #find} looks for the required literal itself (so the caller need not). */
    boolean findsLiteral() {
        return literal != null;
    }

    /** {@link #MATCH} if the pattern matches somewhere in {@code text}, {@link #NO_MATCH}, or {@link #UNDECIDED}. */
    int find(String text) {
        return literal == null ? scan(text) : scanAroundLiteral(text);
    }

    private int scanAroundLiteral(String text) {
        int n = text.length();
        int i = 0;
        int[] ascii = this.ascii;
        boolean[] accept = this.accept;
        while (true) {
            int p = text.indexOf(literal, i);
            if (p < 0) {
                return NO_MATCH; // and no attempt begun before i is alive
            }
            int state = start;
            i = Math.max(i, p - window);
            for (;; i++) {
                if (i == n) {
                    return accept[state] ? MATCH : NO_MATCH;
                }
                char c = text.charAt(i);
                if (c < ASCII) {
                    state = ascii[state * ASCII + c];
                } else if (Character.isSurrogate(c)) {
                    return UNDECIDED;
                } else {
                    state = other[state * points.length + classOf(c)];
                }
                if (!anchoredEnd && accept[state]) {
                    return MATCH;
                }
                if (state == start && i >= p) {
                    i++;
                    break; // every attempt begun up to i is dead: on to the next occurrence
                }
            }
        }
    }

    /** True if {@link #findAscii} can decide texts: the pattern has no literal, or an ASCII one. */
    boolean readsAscii() {
        return literal == null || asciiLiteral != null;
    }

    /**
     * {@link #find} over a text given as UTF-8 ({@code length} bytes of {@code bytes} from
     * {@code offset}), decided on its ASCII bytes as they are; {@link #UNDECIDED} where a byte that
     * would be read is not ASCII (the caller decodes the text and asks {@link #find}), or if the
     * pattern cannot read ASCII ({@link #readsAscii}). A required ASCII literal is searched among
     * the bytes: a UTF-8 sequence holds no ASCII byte, so where the bytes lack it the text does
     * too; and the window before an occurrence, counted in bytes, reaches at least one byte of any
     * non-ASCII character among the window's characters, so such a text is never decided wrongly.
     */
    int findAscii(byte[] bytes, int offset, int length) {
        if (literal != null) {
            return asciiLiteral == null ? UNDECIDED : scanAroundLiteral(bytes, offset, offset + length);
        }
        int state = start;
        if (accept[state] && !anchoredEnd) {
            return MATCH;
        }
        // scan(String)'s loop, written out for bytes (as scanAroundLiteral is for both): a
        // CharSequence shared by both would cost the String path its intrinsics, and this one a
        // call per byte.
        int[] ascii = this.ascii;
        boolean[] accept = this.accept;
        boolean stopAtAccept = !anchoredEnd;
        for (int i = offset, end = offset + length; i < end; i++) {
            int c = bytes[i];
            if (c < 0) {
                return UNDECIDED; // a UTF-8 sequence: not ASCII
            }
            state = ascii[state * ASCII + c];
            if (state == DEAD) {
                return NO_MATCH;
            }
            if (stopAtAccept && accept[state]) {
                return MATCH;
            }
        }
        return accept[state] ? MATCH : NO_MATCH;
    }

    private int scanAroundLiteral(byte[] bytes, int from, int end) {
        int i = from;
        int[] ascii = this.ascii;
        boolean[] accept = this.accept;
        while (true) {
            int p = indexOf(bytes, asciiLiteral, i, end);
            if (p < 0) {
                return NO_MATCH;
            }
            int state = start;
            i = Math.max(i, p - window);
            for (;; i++) {
                if (i == end) {
                    return accept[state] ? MATCH : NO_MATCH;
                }
                int c = bytes[i];
                if (c < 0) {
                    return UNDECIDED;
                }
                state = ascii[state * ASCII + c];
                if (!anchoredEnd && accept[state]) {
                    return MATCH;
                }
                if (state == start && i >= p) {
                    i++;
                    break;
                }
            }
        }
    }

    // The first index of `needle` in bytes [from, end), or -1. Looks for its first byte eight
    // bytes at a time (the zero-byte test of "Bit Twiddling Hacks" on their XOR with it): a plain
    // byte loop made the UTF-8 path of a regex search ~15 % slower than String.indexOf's intrinsic.
    private static int indexOf(byte[] bytes, byte[] needle, int from, int end) {
        int last = end - needle.length;
        long pattern = (needle[0] & 0xFFL) * 0x0101010101010101L;
        int i = from;
        while (i <= last) {
            if (i + 8 <= end) {
                long x = (long) LONGS.get(bytes, i) ^ pattern;
                long found = (x - 0x0101010101010101L) & ~x & 0x8080808080808080L;
                if (found == 0) {
                    i += 8;
                    continue;
                }
                i += Long.numberOfTrailingZeros(found) >>> 3; // the first byte equal to needle[0]
                if (i > last) {
                    return -1;
                }
            } else if (bytes[i] != needle[0]) {
                i++;
                continue;
            }
            int k = 1;
            while (k < needle.length && bytes[i + k] == needle[k]) {
                k++;
            }
            if (k == needle.length) {
                return i;
            }
            i++;
        }
        return -1;
    }

    private int scan(String text) {
        int state = start;
        if (accept[state] && !anchoredEnd) {
            return MATCH;
        }
        int[] ascii = this.ascii;
        boolean[] accept = this.accept;
        boolean stopAtAccept = !anchoredEnd;
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (c < ASCII) {
                state = ascii[state * ASCII + c];
            } else if (Character.isSurrogate(c)) {
                return UNDECIDED;
            } else {
                state = other[state * points.length + classOf(c)];
            }
            if (state == DEAD) {
                return NO_MATCH;
            }
            if (stopAtAccept && accept[state]) {
                return MATCH;
            }
        }
        return accept[state] ? MATCH : NO_MATCH;
    }

    private int classOf(char c) {
        int low = 0;
        int high = points.length - 1;
        while (low < high) { // the last point at or below c
            int mid = (low + high + 1) >>> 1;
            if (points[mid] <= c) {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        return low;
    }

    /** Subset construction, bounded in states and work. */
    private static final class Builder {

        private final boolean anchoredStart;
        private final boolean anchoredEnd;
        private final State[] nfa;
        private final Transition[][] transitions;
        /** {@code targets[q][t]}: the index of the destination of {@code transitions[q][t]}. */
        private final int[][] targets;
        private final int nfaStart;
        /** The start of every class of characters that all transitions treat alike, ascending, 0 and 128 among them. */
        private final char[] starts;
        private final Map<BitSet, Integer> ids = new HashMap<>();
        private final List<BitSet> sets = new ArrayList<>();
        private long work;

        Builder(DfaTranslation.Translated translated) {
            Automaton automaton = translated.automaton();
            anchoredStart = translated.anchoredStart();
            anchoredEnd = translated.anchoredEnd();
            nfa = automaton.getStates().toArray(new State[0]);
            Map<State, Integer> index = new IdentityHashMap<>();
            for (int i = 0; i < nfa.length; i++) {
                index.put(nfa[i], i);
            }
            transitions = new Transition[nfa.length][];
            targets = new int[nfa.length][];
            TreeSet<Character> boundaries = new TreeSet<>();
            boundaries.add((char) 0);
            boundaries.add((char) ASCII); // so that no class spans both tables
            for (int i = 0; i < nfa.length; i++) {
                transitions[i] = nfa[i].getTransitions().toArray(new Transition[0]);
                targets[i] = new int[transitions[i].length];
                for (int t = 0; t < transitions[i].length; t++) {
                    Transition transition = transitions[i][t];
                    targets[i][t] = index.get(transition.getDest());
                    boundaries.add(transition.getMin());
                    if (transition.getMax() < Character.MAX_VALUE) {
                        boundaries.add((char) (transition.getMax() + 1));
                    }
                }
            }
            starts = new char[boundaries.size()];
            int k = 0;
            for (char c : boundaries) {
                starts[k++] = c;
            }
            nfaStart = index.get(automaton.getInitialState());
        }

        RegexDfa build() {
            int classes = starts.length;
            if ((long) classes * MAX_STATES > 4_000_000) {
                return null; // a table that large is not worth it
            }
            BitSet initial = new BitSet(nfa.length);
            initial.set(nfaStart);
            id(initial);
            List<int[]> rows = new ArrayList<>();
            for (int s = 0; s < sets.size(); s++) {
                BitSet set = sets.get(s);
                int[] row = new int[classes];
                if (!anchoredEnd && accepting(set)) {
                    Arrays.fill(row, s); // never left: the search stops here
                    rows.add(row);
                    continue;
                }
                for (int c = 0; c < classes; c++) {
                    BitSet next = new BitSet(nfa.length);
                    char representative = starts[c];
                    for (int q = set.nextSetBit(0); q >= 0; q = set.nextSetBit(q + 1)) {
                        Transition[] out = transitions[q];
                        work += out.length + 1;
                        for (int t = 0; t < out.length; t++) {
                            if (out[t].getMin() <= representative && representative <= out[t].getMax()) {
                                next.set(targets[q][t]);
                            }
                        }
                    }
                    if (!anchoredStart) {
                        next.set(nfaStart); // a match may start at the next character too
                    }
                    row[c] = next.isEmpty() ? DEAD : id(next);
                    if (sets.size() > MAX_STATES || work > MAX_WORK) {
                        return null;
                    }
                }
                rows.add(row);
            }
            return table(rows);
        }

        private int id(BitSet set) {
            Integer id = ids.get(set);
            if (id == null) {
                id = sets.size();
                ids.put(set, id);
                sets.add(set);
            }
            return id;
        }

        private boolean accepting(BitSet set) {
            for (int q = set.nextSetBit(0); q >= 0; q = set.nextSetBit(q + 1)) {
                if (nfa[q].isAccept()) {
                    return true;
                }
            }
            return false;
        }

        private RegexDfa table(List<int[]> rows) {
            int states = rows.size();
            int firstOther = Arrays.binarySearch(starts, (char) ASCII);
            int otherClasses = starts.length - firstOther;
            int[] asciiClass = new int[ASCII];
            for (int c = 0, k = 0; c < ASCII; c++) {
                while (k + 1 < firstOther && starts[k + 1] <= c) {
                    k++;
                }
                asciiClass[c] = k;
            }
            boolean[] accept = new boolean[states];
            int[] ascii = new int[states * ASCII];
            int[] other = new int[states * otherClasses];
            for (int s = 0; s < states; s++) {
                accept[s] = accepting(sets.get(s));
                int[] row = rows.get(s);
                for (int c = 0; c < ASCII; c++) {
                    ascii[s * ASCII + c] = row[asciiClass[c]];
                }
                System.arraycopy(row, firstOther, other, s * otherClasses, otherClasses);
            }
            char[] points = Arrays.copyOfRange(starts, firstOther, starts.length);
            return new RegexDfa(0, anchoredEnd, accept, ascii, points, other, null, 0);
        }
    }
}

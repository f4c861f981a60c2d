package io.containerlogging.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.re2j.Pattern;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RegexDfaTest {

    private static int find(String pattern, String text) {
        RegexDfa dfa = RegexDfa.of(pattern);
        assertThat(dfa).as(pattern).isNotNull();
        return dfa.find(text);
    }

    private static boolean re2(String pattern, String text) {
        return Pattern.compile(pattern).matcher(text).find();
    }

    @Test
    @DisplayName("finds a match anywhere in the text, as RE2/J's find() does")
    void unanchoredFind() {
        assertThat(find("\\d{4}ms", "took 1234ms")).isEqualTo(RegexDfa.MATCH);
        assertThat(find("\\d{4}ms", "took 123ms, 12 ms")).isEqualTo(RegexDfa.NO_MATCH);
        assertThat(find("^\\d+ ", "12 x")).isEqualTo(RegexDfa.MATCH);
        assertThat(find("^\\d+ ", "x 12 x")).isEqualTo(RegexDfa.NO_MATCH);
        assertThat(find("ms$", "12ms")).isEqualTo(RegexDfa.MATCH);
        assertThat(find("ms$", "12ms\n")).isEqualTo(RegexDfa.NO_MATCH); // RE2's $ is the end of the text
        assertThat(find("a.b", "a\nb")).isEqualTo(RegexDfa.NO_MATCH);
        assertThat(find("(?s)a.b", "a\nb")).isEqualTo(RegexDfa.MATCH);
        assertThat(find("[^x]y", "\ny")).isEqualTo(RegexDfa.MATCH); // a negated class matches \n in RE2
        assertThat(find("(?i)timed? ?out", "TIME OUT")).isEqualTo(RegexDfa.MATCH);
        assertThat(find("é+t", "caféét")).isEqualTo(RegexDfa.MATCH);
        assertThat(find("a*", "")).isEqualTo(RegexDfa.MATCH);
    }

    @Test
    @DisplayName("with a literal after a bounded prefix it reads only windows around the literal, and misses nothing")
    void aroundLiteral() {
        assertThat(RegexDfa.of("\\d{4}ms").findsLiteral()).isTrue();
        assertThat(RegexDfa.of("\\d+ms").findsLiteral()).isFalse(); // no longest prefix
        assertThat(RegexDfa.of("(?i)\\d{4}xy").findsLiteral()).isFalse(); // indexOf does not fold case
        assertThat(RegexDfa.of("^\\d{4}ms").findsLiteral()).isFalse();
        assertThat(find("\\d{4}ms", "12ms 1234ms")).isEqualTo(RegexDfa.MATCH);
        assertThat(find("\\d{4}ms", "ms12ms 234ms 1234 ms")).isEqualTo(RegexDfa.NO_MATCH);
        assertThat(find("\\d{4}ms", "1ms2ms3ms4ms 9999ms")).isEqualTo(RegexDfa.MATCH);
        assertThat(find("\\d{4}ms$", "1234ms 1234ms")).isEqualTo(RegexDfa.MATCH);
        assertThat(find("\\d{4}ms$", "1234ms 1234m")).isEqualTo(RegexDfa.NO_MATCH);
        assertThat(find("a.{0,3}bc", "a\uD83D\uDE00bc")).isEqualTo(RegexDfa.UNDECIDED); // the surrogate is in the window
        assertThat(find("a.{0,3}bc", "\uD83D\uDE00 xxxxxxxx abc")).isEqualTo(RegexDfa.MATCH); // outside it
    }

    @Test
    @DisplayName("a text with a surrogate is left to RE2/J, which reads code points")
    void surrogatesUndecided() {
        assertThat(find("a.b", "a\uD83D\uDE00b")).isEqualTo(RegexDfa.UNDECIDED);
        assertThat(re2("a.b", "a\uD83D\uDE00b")).isTrue();
    }

    @Test
    @DisplayName("what is not translated exactly is left to RE2/J")
    void untranslated() {
        for (String pattern : List.of("\\bword\\b", "(?i)kube", "(?i)[a-z]x", "(?i)\\w", "(?i)café", "\\pL+",
                "\\x41", "\\Qa.b\\E", "(?m)^a", "a(?i)b", "a|^b", "^a|b", "a^b", "\\Aab", "ab\\z", "\\101",
                "x\uD83D\uDE00", "[[:alpha:]]", "[\\D]")) {
            assertThat(RegexDfa.of(pattern)).as(pattern).isNull();
        }
    }

    @Test
    @DisplayName("a pattern whose DFA would explode falls back to RE2/J, after bounded work")
    void explosionFallsBack() {
        assertThat(RegexDfa.of("[ab]*a[ab]{20}")).isNull();
        assertThat(RegexDfa.of("(.*a.{12}){5}b")).isNull();
        assertThat(RegexDfa.of("x{1000}")).isNull(); // bounded before brics copies anything
        assertThat(RegexDfa.of("(\\w{100}){10}")).isNull();
        assertThat(RegexDfa.of("(a+)+$")).isNotNull();
        assertThat(find("(a+)+$", "a".repeat(100_000) + "b")).isEqualTo(RegexDfa.NO_MATCH);
        assertThat(find("(x+x+)+y", "x".repeat(50_000))).isEqualTo(RegexDfa.NO_MATCH);
    }

    @Test
    @DisplayName("on random patterns and random texts (non-ASCII, newlines, case variants) it agrees with RE2/J")
    void agreesWithRe2() {
        String[] atoms = {"a", "b", "A", "B", "k", "s", "é", "É", "\u212A", "\u017F", "1", " ", "-", "\\.", ".",
            "\\d", "\\D", "\\w", "\\W", "\\s", "\\S", "\\n", "[ab]", "[^a]", "[a-c1]", "[^\\n]", "[\\d\\s]", "[]a]",
            "[a-]", "[é-ê]", "(a|b)", "(?:ab)", "(?P<n>b)", "(", ")", "|", "^", "$", "*", "+", "?", "*?", "{2}",
            "{1,2}", "{2,}", "{0}", "\\b", "(?i)", "(?s)", "x{", "}", "\\$"};
        String alphabet = "abABkKsSéÉêİı\u212A\u017F1 -.\n\t_x";
        Random random = new Random(20);
        int translated = 0;
        int aroundLiteral = 0;
        int compared = 0;
        int matched = 0;
        for (int round = 0; round < 40_000; round++) {
            StringBuilder source = new StringBuilder();
            int flags = random.nextInt(6);
            source.append(flags == 0 ? "(?i)" : flags == 1 ? "(?s)" : flags == 2 ? "(?is)" : "");
            for (int i = random.nextInt(7); i >= 0; i--) {
                source.append(atoms[random.nextInt(atoms.length)]);
            }
            String pattern = source.toString();
            Pattern re2;
            try {
                RegexSize.check(pattern);
                re2 = Pattern.compile(pattern);
            } catch (RuntimeException invalid) {
                continue;
            }
            RegexDfa dfa = RegexDfa.of(pattern);
            RegexDfa everyCharacter = RegexDfa.of(pattern, null);
            RegexPatterns patterns = RegexPatterns.of(List.of(pattern));
            if (dfa != null) {
                translated++;
                aroundLiteral += dfa.findsLiteral() ? 1 : 0;
            }
            for (int t = 0; t < 6; t++) {
                StringBuilder text = new StringBuilder();
                for (int i = random.nextInt(t < 4 ? 10 : 40); i > 0; i--) {
                    text.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
                if (random.nextInt(40) == 0) {
                    text.insert(random.nextInt(text.length() + 1), "\uD83D\uDE00");
                }
                boolean expected = re2.matcher(text).find();
                assertThat(patterns.allMatch(text.toString())).as("%s in '%s'", pattern, text).isEqualTo(expected);
                if (dfa == null) {
                    continue;
                }
                int plain = everyCharacter.find(text.toString());
                if (plain != RegexDfa.UNDECIDED) {
                    assertThat(plain == RegexDfa.MATCH).as("%s in '%s', every character", pattern, text)
                            .isEqualTo(expected);
                }
                int verdict = dfa.find(text.toString());
                if (verdict != RegexDfa.UNDECIDED) {
                    compared++;
                    matched += expected ? 1 : 0;
                    assertThat(verdict == RegexDfa.MATCH).as("%s in '%s'", pattern, text).isEqualTo(expected);
                }
            }
        }
        assertThat(translated).isGreaterThan(5_000);
        assertThat(aroundLiteral).isGreaterThan(1_000);
        assertThat(compared).isGreaterThan(30_000);
        assertThat(matched).isGreaterThan(compared / 10).isLessThan(compared * 9 / 10);
    }
}

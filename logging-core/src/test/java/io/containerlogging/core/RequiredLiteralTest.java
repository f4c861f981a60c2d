package io.containerlogging.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.re2j.Pattern;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RequiredLiteralTest {

    private static String literal(String pattern) {
        RequiredLiteral literal = RequiredLiteral.of(pattern);
        return literal == null ? null : literal.text();
    }

    @Test
    @DisplayName("the longest run of unquantified literal characters at the top level")
    void longestRun() {
        assertThat(literal("status=5\\d\\d")).isEqualTo("status=5");
        assertThat(literal("\\d{4}ms")).isEqualTo("ms");
        assertThat(literal("^\\d+ ERROR \\[main\\]")).isEqualTo(" ERROR [main]");
        assertThat(literal("abc*d")).isEqualTo("ab");
        assertThat(literal("ab{2,3}cde")).isEqualTo("cde");
        assertThat(literal("x(foo|bar)+yz")).isEqualTo("yz");
        assertThat(literal("[a(|]bcd")).isEqualTo("bcd");
        assertThat(literal("[[:alpha:]]xy")).isEqualTo("xy");
        assertThat(literal("\\pL+ word \\p{Greek}")).isEqualTo(" word ");
        assertThat(literal("a.b")).isEqualTo("a");
    }

    @Test
    @DisplayName("none for a top-level alternation, and none where it would have to guess")
    void none() {
        assertThat(literal("abc|def")).isNull();
        assertThat(literal("(a|b)")).isNull();
        assertThat(literal("\\d+")).isNull();
        assertThat(literal("a?")).isNull();
        assertThat(literal("\\Qa|b\\E")).isNull();
        assertThat(literal("\\x41")).isNull();
        assertThat(literal("abc(?i)def")).isEqualTo("abc");
        // regression: a quantifier after a flags group applies to the character before it (RE2/J)
        assertThat(literal("abc(?i){0}def")).isEqualTo("ab");
        assertThat(literal("\u00c9(?i){0}\\s")).isNull();
    }

    @Test
    @DisplayName("a leading (?i) makes the literal case-insensitive and keeps it to ASCII")
    void ignoreCase() {
        RequiredLiteral literal = RequiredLiteral.of("(?i)timed? ?out");
        assertThat(literal.text()).isEqualTo("time");
        assertThat(literal.ignoreCase()).isTrue();
        assertThat(literal.whole()).isFalse();
        assertThat(literal("(?i)café")).isEqualTo("caf");
    }

    @Test
    @DisplayName("a pattern that is only a literal is whole: finding it is the match")
    void whole() {
        assertThat(RequiredLiteral.of("connection refused").whole()).isTrue();
        assertThat(RequiredLiteral.of("a\\.b").whole()).isTrue();
        assertThat(RequiredLiteral.of("a\\.b").text()).isEqualTo("a.b");
        assertThat(RequiredLiteral.of("a.b").whole()).isFalse();
        assertThat(RequiredLiteral.of("^ab").whole()).isFalse();
        assertThat(RequiredLiteral.of("(?s)ab").whole()).isFalse();
    }

    @Test
    @DisplayName("on random patterns and texts: whenever RE2 matches, the literal is there (it only ever rules lines out)")
    void neverRulesOutAMatch() {
        String[] atoms = {"a", "b", "A", "k", "\\.", ".", "\\d", "[ab]", "[^a]", "(a|b)", "(?:ab)", "^", "$",
            "*", "+", "?", "{1,2}", "|", "\u212A", "\\s", " "};
        String alphabet = "abAB.k\u212AK 1";
        Random random = new Random(7);
        int checked = 0;
        for (int round = 0; round < 30_000; round++) {
            StringBuilder source = new StringBuilder(random.nextBoolean() ? "(?i)" : "");
            for (int i = random.nextInt(6); i >= 0; i--) {
                source.append(atoms[random.nextInt(atoms.length)]);
            }
            Pattern pattern;
            try {
                pattern = Pattern.compile(source.toString());
            } catch (RuntimeException invalid) {
                continue;
            }
            RequiredLiteral literal = RequiredLiteral.of(source.toString());
            StringBuilder text = new StringBuilder();
            for (int i = random.nextInt(8); i >= 0; i--) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            if (literal == null || !pattern.matcher(text).find()) {
                continue;
            }
            checked++;
            boolean found = literal.ignoreCase() ? new CaseFolding.Needle(literal.text()).foundIn(text.toString())
                    : text.indexOf(literal.text()) >= 0;
            assertThat(found).as("%s in '%s' (literal %s)", source, text, literal).isTrue();
            if (literal.whole()) {
                assertThat(text.indexOf(literal.text())).isGreaterThanOrEqualTo(0);
            }
        }
        assertThat(checked).isGreaterThan(1_000);
    }
}

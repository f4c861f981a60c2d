package io.containerlogging.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RegexTranslationTest {

    private static String lucene(String re2) {
        RegexTranslation.Lucene translated = RegexTranslation.translate(re2);
        return translated == null ? null : translated.regexp();
    }

    @Test
    @DisplayName("unanchored patterns are wrapped, anchors drop the wrapping on their side")
    void anchoring() {
        assertThat(lucene("abc")).isEqualTo(".*(abc).*");
        assertThat(lucene("^GET")).isEqualTo("(GET).*");
        assertThat(lucene("ms$")).isEqualTo(".*(ms)");
        assertThat(lucene("^(GET|POST) /orders")).isEqualTo("((GET|POST)\\ \\/orders).*");
        assertThat(lucene("a|b")).isEqualTo(".*(a|b).*");
    }

    @Test
    @DisplayName("RE2's meanings in Lucene's syntax: dot without newline, ASCII classes, escaped punctuation")
    void syntax() {
        assertThat(lucene("a.b")).isEqualTo(".*(a[^\n]b).*");
        assertThat(lucene("\\d{3}\\s\\w+")).isEqualTo(".*([0-9]{3}[\t\n\f\r ][0-9A-Za-z_]+).*");
        assertThat(lucene("[^a-z\\d]")).isEqualTo(".*([^a-z0-9]).*");
        assertThat(lucene("\\$\\{jndi:")).isEqualTo(".*(\\$\\{jndi\\:).*");
        assertThat(lucene("a@b#c\"d<e>~&")).isEqualTo(".*(a\\@b\\#c\\\"d\\<e\\>\\~\\&).*");
        assertThat(lucene("x+?y*?")).isEqualTo(".*(x+y*).*");
        assertThat(lucene("(?:ab)+c{2,}")).isEqualTo(".*((ab)+c{2,}).*");
        assertThat(lucene("a{")).isEqualTo(".*(a\\{).*");
        assertThat(lucene("\\t\\n")).isEqualTo(".*(\t\n).*");
    }

    @Test
    @DisplayName("a leading (?i) becomes case_insensitive, for ASCII letters Lucene folds as RE2 does")
    void ignoreCase() {
        RegexTranslation.Lucene translated = RegexTranslation.translate("(?i)^read timeout");
        assertThat(translated.regexp()).isEqualTo("(read\\ timeout).*");
        assertThat(translated.caseInsensitive()).isTrue();
        assertThat(RegexTranslation.translate("(?i)kelvin")).isNull(); // RE2 folds k with U+212A
        assertThat(RegexTranslation.translate("(?i)café")).isNull();
        assertThat(RegexTranslation.translate("(?i)[a-z]")).isNull();
        assertThat(RegexTranslation.translate("timeout").caseInsensitive()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @DisplayName("no translation where Lucene has no exact equivalent")
    @ValueSource(strings = {"\\bword\\b", "a^b", "a$b", "^a|b", "(?m)^at", "(?s)a.b", "a(?i)b", "\\pL", "\\x41",
        "[[:digit:]]", "x{101}", "\\Qa\\E", "()", "\\D[\\W]", "\ud83d\ude00"})
    void untranslatable(String re2) {
        assertThat(RegexTranslation.translate(re2)).isNull();
    }
}

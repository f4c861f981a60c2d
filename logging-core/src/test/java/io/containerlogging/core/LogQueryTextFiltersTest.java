package io.containerlogging.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class LogQueryTextFiltersTest {

    private static final Instant T = Instant.parse("2026-03-01T12:00:00Z");

    private static LogMessage line(String text) {
        return new LogMessage("log-1", text, T, LogLevel.INFO, LogSource.container("web"), 1, "web",
                "abc123", false, false, null);
    }

    private static LogMessage withFields(LogFields fields) {
        return line("{}").toBuilder().fields(fields).build();
    }

    private static boolean matches(LogQuery.Builder query, String text) {
        return query.build().matches(line(text));
    }

    @Nested
    @DisplayName("search")
    class Search {

        @Test
        @DisplayName("a lower-case text matches ignoring case")
        void lowerCaseIgnoresCase() {
            LogQuery.Builder q = LogQuery.builder().search("timeout");
            assertThat(matches(q, "read timeout after 5s")).isTrue();
            assertThat(matches(q, "read Timeout after 5s")).isTrue();
            assertThat(matches(q, "READ TIMEOUT")).isTrue();
            assertThat(matches(q, "time out")).isFalse();
            assertThat(matches(q, "timeou")).isFalse();
        }

        @Test
        @DisplayName("a text with an upper-case letter matches exactly")
        void upperCaseIsExact() {
            LogQuery.Builder q = LogQuery.builder().search("Timeout");
            assertThat(matches(q, "Timeout")).isTrue();
            assertThat(matches(q, "timeout")).isFalse();
            assertThat(matches(q, "TIMEOUT")).isFalse();
        }

        @Test
        @DisplayName("every text must appear (AND)")
        void allMustAppear() {
            LogQuery.Builder q = LogQuery.builder().search("user").search("500");
            assertThat(matches(q, "user 7 got 500")).isTrue();
            assertThat(matches(q, "user 7 got 200")).isFalse();
            assertThat(matches(q, "got 500")).isFalse();
        }

        @Test
        @DisplayName("ignoring case follows String.regionMatches, non-ASCII letters included")
        void unicodeCase() {
            assertThat(matches(LogQuery.builder().search("straße"), "STRAßE gesperrt")).isTrue();
            assertThat(matches(LogQuery.builder().search("écrit"), "fichier ÉCRIT")).isTrue();
            // The Kelvin sign folds to k: found like regionMatches(ignoreCase) finds it.
            assertThat(matches(LogQuery.builder().search("ok"), "o\u212A")).isTrue();
            assertThat(matches(LogQuery.builder().search("σ"), "ΣΑΣ")).isTrue();
        }

        @Test
        @DisplayName("agrees with regionMatches(ignoreCase) at every position on random text")
        void agreesWithRegionMatches() {
            Random random = new Random(42);
            String alphabet = "aAbBkKsSiI\u212A\u017F\u0130\u0131 -:0é";
            for (int round = 0; round < 20_000; round++) {
                String text = randomText(random, alphabet, random.nextInt(12));
                String needle = randomText(random, alphabet, 1 + random.nextInt(3)).toLowerCase(java.util.Locale.ROOT);
                if (CaseFolding.hasUpperCase(needle)) {
                    continue;
                }
                boolean expected = false;
                for (int i = 0; i + needle.length() <= text.length(); i++) {
                    expected |= text.regionMatches(true, i, needle, 0, needle.length());
                }
                assertThat(new CaseFolding.Needle(needle).foundIn(text))
                        .as("'%s' in '%s'", needle, text).isEqualTo(expected);
            }
        }

        @Test
        @DisplayName("compares in full only where the needle's rarest character occurs")
        void anchorsOnTheRarestCharacter() {
            // Every log line has e's and t's; an anchor on them would compare at nearly every word.
            assertThat(new CaseFolding.Needle("timeout").anchor()).isEqualTo('m');
            assertThat(new CaseFolding.Needle("the end").anchor()).isEqualTo('d');
            // A character not in the frequency table is rarer than any in it; a digit or a
            // punctuation mark, searched once, beats a letter searched in both cases.
            assertThat(new CaseFolding.Needle("zero#").anchor()).isEqualTo('#');
            assertThat(new CaseFolding.Needle("port 8080").anchor()).isEqualTo('8');
        }

        private String randomText(Random random, String alphabet, int length) {
            StringBuilder out = new StringBuilder(length);
            for (int i = 0; i < length; i++) {
                out.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            return out.toString();
        }

        @Test
        @DisplayName("regex metacharacters in a text are plain characters")
        void metacharactersArePlain() {
            assertThat(matches(LogQuery.builder().search("a.b*(c)"), "x a.b*(c) y")).isTrue();
            assertThat(matches(LogQuery.builder().search("a.b"), "axb")).isFalse();
        }

        @Test
        @DisplayName("refuses an empty or null text")
        void refusesEmpty() {
            assertThatThrownBy(() -> LogQuery.builder().search("").build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("search");
            assertThatThrownBy(() -> LogQuery.builder().exclude("").build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exclude");
            assertThatThrownBy(() -> LogQuery.builder().search((String) null).build())
                    .isInstanceOf(NullPointerException.class);
        }
    }

    @Nested
    @DisplayName("exclude")
    class Exclude {

        @Test
        @DisplayName("no text may appear, with the same smart case")
        void noneMayAppear() {
            LogQuery.Builder q = LogQuery.builder().exclude("health").exclude("DEBUG");
            assertThat(matches(q, "GET /orders")).isTrue();
            assertThat(matches(q, "GET /Healthz")).isFalse();
            assertThat(matches(q, "DEBUG cache")).isFalse();
            assertThat(matches(q, "debug cache")).isTrue();
        }

        @Test
        @DisplayName("combines with search")
        void withSearch() {
            LogQuery.Builder q = LogQuery.builder().search("get").exclude("health");
            assertThat(matches(q, "GET /orders")).isTrue();
            assertThat(matches(q, "GET /health")).isFalse();
            assertThat(matches(q, "POST /orders")).isFalse();
        }
    }

    @Nested
    @DisplayName("regex")
    class Regex {

        @Test
        @DisplayName("RE2 syntax, unanchored, every pattern must match")
        void unanchoredAll() {
            assertThat(matches(LogQuery.builder().regex("status=5\\d\\d"), "GET / status=503 1ms")).isTrue();
            assertThat(matches(LogQuery.builder().regex("status=5\\d\\d"), "GET / status=200 1ms")).isFalse();
            assertThat(matches(LogQuery.builder().regex("^GET"), "GET /")).isTrue();
            assertThat(matches(LogQuery.builder().regex("^GET"), "a GET /")).isFalse();
            assertThat(matches(LogQuery.builder().regex("ms$"), "took 5ms")).isTrue();
            assertThat(matches(LogQuery.builder().regex("(?i)error|warn").regex("\\d+"), "WARN 3 times")).isTrue();
            assertThat(matches(LogQuery.builder().regex("(?i)error|warn").regex("\\d+"), "WARN thrice")).isFalse();
            assertThat(matches(LogQuery.builder().regex("[[:digit:]]{3}"), "code 404")).isTrue();
            assertThat(matches(LogQuery.builder().regex("\\pL+\\s\\pN"), "Größe 4")).isTrue();
        }

        @Test
        @DisplayName("is case-sensitive unless the pattern says (?i)")
        void caseSensitive() {
            assertThat(matches(LogQuery.builder().regex("timeout"), "Timeout")).isFalse();
            assertThat(matches(LogQuery.builder().regex("(?i)timeout"), "TIMEOUT")).isTrue();
            assertThat(matches(LogQuery.builder().regex("(?i)time\\.out"), "TIME.OUT")).isTrue();
            assertThat(matches(LogQuery.builder().regex("(?i)ok"), "o\u212A")).isTrue();
        }

        @Test
        @DisplayName("dot does not match a newline, as in RE2, unless (?s)")
        void dotAndNewline() {
            assertThat(matches(LogQuery.builder().regex("a.b"), "a\nb")).isFalse();
            assertThat(matches(LogQuery.builder().regex("(?s)a.b"), "a\nb")).isTrue();
            assertThat(matches(LogQuery.builder().regex("(?m)^at "), "Exception\nat Foo.bar")).isTrue();
        }

        @Test
        @DisplayName("a line full of regex metacharacters is just data")
        void metacharactersInTheLine() {
            String hostile = "(a+)+$ [x-] \\E\\Q .* ${jndi:ldap://x} (?i) |";
            assertThat(matches(LogQuery.builder().regex("\\$\\{jndi:"), hostile)).isTrue();
            assertThat(matches(LogQuery.builder().regex("\\(a\\+\\)\\+\\$"), hostile)).isTrue();
            assertThat(matches(LogQuery.builder().regex("jndi:ldaps"), hostile)).isFalse();
        }

        @Test
        @DisplayName("quantifiers and groups after a literal do not make it required")
        void literalPrefilterIsConservative() {
            assertThat(matches(LogQuery.builder().regex("abc*d"), "abd")).isTrue();
            assertThat(matches(LogQuery.builder().regex("ab?c"), "ac")).isTrue();
            assertThat(matches(LogQuery.builder().regex("ab{0,2}c"), "ac")).isTrue();
            assertThat(matches(LogQuery.builder().regex("ab(c|d)"), "abd")).isTrue();
            assertThat(matches(LogQuery.builder().regex("abc|xyz"), "xyz")).isTrue();
            assertThat(matches(LogQuery.builder().regex("a\\.b"), "a.b")).isTrue();
            assertThat(matches(LogQuery.builder().regex("a\\.b"), "axb")).isFalse();
            assertThat(matches(LogQuery.builder().regex("[]a]|b"), "b")).isTrue();
            assertThat(matches(LogQuery.builder().regex("a\\x41"), "aA")).isTrue();
            assertThat(matches(LogQuery.builder().regex("(?i)é"), "É")).isTrue();
        }

        @Test
        @Timeout(120) // only a guard against a hang: a backtracking engine would run for ages
        @DisplayName("(a+)+$ against 100 000 a's then b finishes (linear time): no backtracking engine")
        void linearTime() {
            String text = "a".repeat(100_000) + "b";
            LogQuery query = LogQuery.builder().regex("(a+)+$").build();
            assertThat(query.matches(line(text))).isFalse();
            assertThat(query.matches(line("a".repeat(100_000)))).isTrue();
            assertThat(LogQuery.builder().regex("(x+x+)+y").build().matches(line("x".repeat(50_000)))).isFalse();
        }

        @Test
        @DisplayName("an invalid or unsupported pattern is refused, quoted")
        void refusesInvalid() {
            for (String bad : List.of("(", "a)", "[z-a]", "(?<=x)y", "(a)\\1", "x{1001}", "*a", "(?P<n>a")) {
                assertThatThrownBy(() -> LogQuery.builder().regex(bad).build())
                        .as(bad).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("'" + bad + "'");
            }
            assertThatThrownBy(() -> LogQuery.builder().regex("").build()).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        @DisplayName("a pattern that would compile huge is refused before compiling (RE2/J alone ran out of memory)")
        void refusesHuge() {
            for (String huge : List.of("(x{1000}){1000}", "((x{1000}){1000}){1000}", "(((x{100}){100}){100}){100}",
                    "(?:a{2}){501}", "[a-z]{1000}".repeat(11))) {
                assertThatThrownBy(() -> LogQuery.builder().regex(huge).build())
                        .as(huge).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("regex '");
            }
            for (String fine : List.of("[a-z]{1000}", "(a{10}){100}", "((((((((((((a*)*)*)*)*)*)*)*)*)*)*)*)",
                    "\\Q(x{1000}){1000}\\E", "[(]{1000}x", "a{2,}", "a{,5}", "\\p{Greek}{3}")) {
                LogQuery.builder().regex(fine).build();
            }
        }
    }

    @Nested
    @DisplayName("fields")
    class Fields {

        private final LogMessage message = withFields(LogFields.builder()
                .put("status", 500L).put("user", "ana").put("ok", false).put("http.method", "GET")
                .put("took", new java.math.BigDecimal("1.50")).build());

        @Test
        @DisplayName("match by JSON text: numbers, booleans, strings, nested paths")
        void byJsonText() {
            assertThat(LogQuery.builder().field("status", "500").build().matches(message)).isTrue();
            assertThat(LogQuery.builder().field("status", "5000").build().matches(message)).isFalse();
            assertThat(LogQuery.builder().field("ok", "false").build().matches(message)).isTrue();
            assertThat(LogQuery.builder().field("user", "ana").build().matches(message)).isTrue();
            assertThat(LogQuery.builder().field("user", "Ana").build().matches(message)).isFalse();
            assertThat(LogQuery.builder().field("http.method", "GET").build().matches(message)).isTrue();
            assertThat(LogQuery.builder().field("took", "1.50").build().matches(message)).isTrue();
            assertThat(LogQuery.builder().field("missing", "x").build().matches(message)).isFalse();
            assertThat(LogQuery.builder().field("status", "500").field("user", "bo").build().matches(message)).isFalse();
        }

        @Test
        @DisplayName("a string field \"500\" matches like the number")
        void stringNumber() {
            LogMessage stringy = withFields(LogFields.builder().put("status", "500").build());
            assertThat(LogQuery.builder().field("status", "500").build().matches(stringy)).isTrue();
        }

        @Test
        @DisplayName("refuses an empty path")
        void refusesEmptyPath() {
            assertThatThrownBy(() -> LogQuery.builder().field("", "x").build())
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    @DisplayName("toBuilder keeps every text filter, equal queries are equal, and compiled patterns are reused")
    void toBuilderAndEquality() {
        LogQuery query = LogQuery.builder().search("a").exclude("b").regex("c+").field("d", "1")
                .limit(5).build();
        LogQuery copy = query.toBuilder().build();
        assertThat(copy).isEqualTo(query).hasSameHashCodeAs(query);
        assertThat(copy.regex()).isSameAs(query.regex());
        assertThat(copy.search()).containsExactly("a");
        assertThat(copy.withoutLimit().fields()).isEqualTo(Map.of("d", "1"));
        assertThat(LogQuery.builder().search(List.of()).build()).isEqualTo(LogQuery.all());
        assertThat(query.hasTextOrFieldFilters()).isTrue();
        assertThat(LogQuery.all().hasTextOrFieldFilters()).isFalse();
        assertThatThrownBy(() -> query.regex().add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> query.fields().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    @DisplayName("text filters combine with the other criteria (AND)")
    void combined() {
        LogQuery query = LogQuery.builder().serviceName("web").level(LogLevel.INFO).search("ok").build();
        assertThat(query.matches(line("all ok"))).isTrue();
        assertThat(query.matches(line("all ok").toBuilder().level(LogLevel.ERROR).build())).isFalse();
        assertThat(query.matches(line("all fine"))).isFalse();
    }
}

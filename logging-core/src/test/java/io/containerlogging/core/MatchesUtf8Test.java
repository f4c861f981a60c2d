package io.containerlogging.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link LogQuery#matchesUtf8} answers as {@link LogQuery#matchesText} on the decoded text. */
class MatchesUtf8Test {

    private static final List<String> PATTERNS = List.of("\\d{4}ms", "^GET /", "error$", "(?i)timed? ?out",
            "[a-c]+x", "caf\u00e9", "\\bword\\b", "a.*b", "x|y|z", "(?s)a.b", "^$", "ms");

    private static final List<String> TEXTS = List.of("", "GET /index took 1234ms", "took 123ms", "fatal error",
            "error: none", "Timed out", "TIMEOUT after 5s", "abcx", "caf\u00e9 cr\u00e8me", "cafe", "a\nb",
            "a word here", "swordfish", "\u65e5\u672c 1234ms", "emoji \ud83d\ude00 9999ms", "broken \ud800 ms", "xyz");

    @Test
    @DisplayName("every regex, alone and in pairs, decides each text as it does on the String")
    void sameAsOnStrings() {
        Random random = new Random(7);
        for (String pattern : PATTERNS) {
            check(LogQuery.builder().regex(pattern).build(), random);
            check(LogQuery.builder().regex(pattern).regex(PATTERNS.get(random.nextInt(PATTERNS.size()))).build(),
                    random);
        }
        check(LogQuery.builder().regex("\\d+ms").search("took").build(), random);
        check(LogQuery.builder().regex("\\d+ms").exclude("123").build(), random);
    }

    /**
     * Patterns that scan around a required literal, on random texts where non-ASCII characters
     * sit just before, inside and after the window in front of the literal: the window is counted
     * in bytes on the UTF-8 path and in characters on the String path.
     */
    @Test
    @DisplayName("random texts with non-ASCII characters around the literal are decided as on the String")
    void randomAroundLiterals() {
        List<String> patterns = List.of("\\d{4}ms", ".{2}ms", "(?s).{3}ms", "[^x]{2}abc", "a.?b.?cd", "\\w+ms$",
                "^.{0,4}err", "x[\u00e9\u65e5]?yz");
        String alphabet = "0123456789msabcdxyz err\u00e9\u65e5\ud83d\ude00";
        Random random = new Random(11);
        for (String pattern : patterns) {
            LogQuery query = LogQuery.builder().regex(pattern).build();
            for (int n = 0; n < 3_000; n++) {
                StringBuilder text = new StringBuilder();
                int length = random.nextInt(n % 2 == 0 ? 14 : 40);
                for (int i = 0; i < length; i++) {
                    int at = random.nextInt(alphabet.length());
                    char c = alphabet.charAt(at);
                    if (Character.isHighSurrogate(c)) {
                        text.append(c).append(alphabet.charAt(at + 1));
                    } else if (!Character.isLowSurrogate(c)) {
                        text.append(c);
                    }
                }
                byte[] utf8 = text.toString().getBytes(StandardCharsets.UTF_8);
                assertThat(query.matchesUtf8(utf8, 0, utf8.length, LogFields.empty()))
                        .as("%s on '%s'", pattern, text)
                        .isEqualTo(query.matchesText(text.toString(), LogFields.empty()));
            }
        }
    }

    @Test
    @DisplayName("a field criterion is decided before the text, with the bytes as with the String")
    void fieldsToo() {
        LogQuery query = LogQuery.builder().regex("\\d{4}ms").field("user", "ann").build();
        LogFields ann = LogFields.of(Map.of("user", "ann"));
        LogFields bob = LogFields.of(Map.of("user", "bob"));
        byte[] text = "took 1234ms".getBytes(StandardCharsets.UTF_8);
        assertThat(query.matchesUtf8(text, 0, text.length, ann)).isTrue();
        assertThat(query.matchesUtf8(text, 0, text.length, bob)).isFalse();
        assertThat(query.matchesUtf8(text, 0, text.length, LogFields.empty())).isFalse();
    }

    private static void check(LogQuery query, Random random) {
        for (String text : TEXTS) {
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            // the text in the middle of a larger array, as in the ring's arena
            int before = random.nextInt(5);
            byte[] arena = new byte[before + utf8.length + random.nextInt(5)];
            System.arraycopy(utf8, 0, arena, before, utf8.length);
            String decoded = new String(utf8, StandardCharsets.UTF_8); // a lone surrogate is '?' now
            assertThat(query.matchesUtf8(arena, before, utf8.length, LogFields.empty()))
                    .as("%s on '%s'", query, text)
                    .isEqualTo(query.matchesText(decoded, LogFields.empty()));
        }
    }
}

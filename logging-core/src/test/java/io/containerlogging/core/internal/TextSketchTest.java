package io.containerlogging.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.containerlogging.core.LogQuery;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A sketch may say "maybe" wrongly, never "no" wrongly: it is only a shortcut for the search. */
class TextSketchTest {

    // Letters whose case variants lie outside ASCII (Kelvin sign, long s, dotted and dotless i),
    // a surrogate pair, accents and punctuation: where a fold done differently would miss.
    private static final String ALPHABET = "aAbBkKsSiI\u212A\u017F\u0130\u0131éÉ\uD83D\uDE00 -:0";

    @Test
    @DisplayName("never rules out a text that the search finds, exactly or ignoring case")
    void noFalseNegatives() {
        Random random = new Random(7);
        int found = 0;
        for (int round = 0; round < 200_000; round++) {
            String text = randomText(random, random.nextInt(16));
            String search = randomText(random, 1 + random.nextInt(4));
            if (round % 2 == 0) {
                search = search.toLowerCase(java.util.Locale.ROOT); // smart case: ignoring case
            }
            LogQuery query = LogQuery.builder().search(search).build();
            if (query.matchesText(text, io.containerlogging.core.LogFields.empty())) {
                found++;
                assertThat(TextSketch.mayContain(TextSketch.of(text), TextSketch.required(List.of(search))))
                        .as("'%s' in '%s'", search, text).isTrue();
            }
        }
        assertThat(found).as("the random texts must hit often enough to test anything").isGreaterThan(20_000);
    }

    @Test
    @DisplayName("rules out most texts that lack a search text's pairs")
    void rulesOutUnrelatedTexts() {
        long required = TextSketch.required(List.of("timeout"));
        int ruledOut = 0;
        for (int i = 0; i < 1000; i++) {
            String line = "GET /api/v1/orders/" + i + " 200 12ms user-agent=\"Mozilla/5.0 (X11; Linux x86_64)\"";
            if (!TextSketch.mayContain(TextSketch.of(line), required)) {
                ruledOut++;
            }
        }
        assertThat(ruledOut).isGreaterThan(900);
        assertThat(TextSketch.mayContain(TextSketch.of("read TIMEOUT after 5s"), required)).isTrue();
    }

    @Test
    @DisplayName("requires nothing of a search shorter than a pair, and marks every computed sketch")
    void shortTextsAndMarker() {
        assertThat(TextSketch.required(List.of("x"))).isZero();
        assertThat(TextSketch.of("")).isEqualTo(TextSketch.COMPUTED);
        assertThat(TextSketch.of("ab") & TextSketch.COMPUTED).isNotZero();
    }

    private static String randomText(Random random, int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return out.toString();
    }
}

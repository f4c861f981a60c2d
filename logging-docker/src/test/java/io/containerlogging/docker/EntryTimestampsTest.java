package io.containerlogging.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("EntryTimestamps parses dockerd's entry timestamps exactly as Instant.parse does")
class EntryTimestampsTest {

    final EntryTimestamps timestamps = new EntryTimestamps();

    Instant parse(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        return timestamps.parse(bytes, bytes.length);
    }

    /** What the parser replaced: Instant.parse, null where it throws. */
    static Instant reference(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** Go's RFC3339Nano in UTC, as dockerd writes it: trailing zeros of the fraction trimmed. */
    static String rfc3339Nano(Instant instant) {
        String text = instant.toString(); // ISO with 0, 3, 6 or 9 fraction digits
        if (!text.contains(".")) {
            return text;
        }
        String body = text.substring(0, text.length() - 1).replaceAll("0+$", "");
        return (body.endsWith(".") ? body.substring(0, body.length() - 1) : body) + "Z";
    }

    @Test
    @DisplayName("nanoseconds, trimmed fractions and no fraction at all")
    void dockerShapes() {
        assertThat(parse("2026-11-24T12:33:35.123456789Z")).isEqualTo(Instant.parse("2026-11-24T12:33:35.123456789Z"));
        assertThat(parse("2026-11-24T12:33:35.1234Z")).isEqualTo(Instant.parse("2026-11-24T12:33:35.123400000Z"));
        assertThat(parse("2026-11-24T12:33:35.000000001Z")).isEqualTo(Instant.ofEpochSecond(1_795_523_615L, 1));
        assertThat(parse("2026-11-24T12:33:35Z")).isEqualTo(Instant.ofEpochSecond(1_795_523_615L));
        assertThat(parse("1970-01-01T00:00:00Z")).isEqualTo(Instant.EPOCH);
        assertThat(parse("1969-12-31T23:59:59.5Z")).isEqualTo(Instant.ofEpochSecond(-1, 500_000_000));
    }

    @Test
    @DisplayName("a cached second is not reused for a different second, date or year")
    void cacheFollowsThePrefix() {
        assertThat(parse("2026-11-24T12:33:35.1Z")).isEqualTo(Instant.parse("2026-11-24T12:33:35.100Z"));
        assertThat(parse("2026-11-24T12:33:35.2Z")).isEqualTo(Instant.parse("2026-11-24T12:33:35.200Z"));
        assertThat(parse("2026-11-24T12:33:36.2Z")).isEqualTo(Instant.parse("2026-11-24T12:33:36.200Z"));
        assertThat(parse("2026-11-25T12:33:36.2Z")).isEqualTo(Instant.parse("2026-11-25T12:33:36.200Z"));
        assertThat(parse("2027-11-25T12:33:36.2Z")).isEqualTo(Instant.parse("2027-11-25T12:33:36.200Z"));
        assertThat(parse("2026-11-24T12:33:35.2Z")).isEqualTo(Instant.parse("2026-11-24T12:33:35.200Z"));
    }

    @Test
    @DisplayName("numeric offsets are applied")
    void offsets() {
        assertThat(parse("2026-11-24T14:33:35.5+02:00")).isEqualTo(Instant.parse("2026-11-24T12:33:35.500Z"));
        assertThat(parse("2026-11-24T10:03:35.5-02:30")).isEqualTo(Instant.parse("2026-11-24T12:33:35.500Z"));
        assertThat(parse("2026-11-24T12:33:35+00:00")).isEqualTo(Instant.parse("2026-11-24T12:33:35Z"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Z", "garbage", "2026-11-24", "2026-11-24T12:33:35", 
        "2026-11-24T12:33:35.1234567891Z", "2026-13-24T12:33:35Z", "2026-02-30T12:33:35Z",
        "2026-11-24T12:60:00Z", "2026-11-24T12:33:35.5+19:00",
        "2026-11-24T12:33:35.5+02:60", "2026-11-24T12:33:35.5+0200", "2026-11-24T12:33:35.5ZZ",
        "2026-11-24 12:33:35Z", "+2026-11-24T12:33:35Z", "2026-11-24T12:33:35.5\u00e9"})
    @DisplayName("what Instant.parse rejects is rejected (null), never thrown")
    void rejects(String text) {
        assertThat(reference(text)).isNull();
        assertThat(parse(text)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"2016-12-31T23:59:60.5Z", "2026-11-24T24:00:00Z", "2026-11-24T12:33:35.Z",
        "2026-11-24t12:33:35.5z", "2026-11-24T12:33:35.5+02:00:30"})
    @DisplayName("odd shapes Instant.parse accepts (leap second, 24:00, an empty fraction) are left to it")
    void oddShapesAgree(String text) {
        assertThat(parse(text)).isEqualTo(reference(text)).isNotNull();
    }

    @Test
    @DisplayName("agrees with Instant.parse on 200 000 random instants in dockerd's format")
    void randomInstants() {
        Random random = new Random(42);
        long previous = 1_795_523_615L;
        for (int i = 0; i < 200_000; i++) {
            // mostly the same or the next second (as in a real log), sometimes anywhere in 1900..2200
            long second = switch (random.nextInt(4)) {
                case 0 -> previous;
                case 1 -> previous + 1;
                case 2 -> previous + random.nextInt(100_000);
                default -> -2_208_988_800L + (long) (random.nextDouble() * 9_467_280_000L);
            };
            int nanos = switch (random.nextInt(3)) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                default -> random.nextInt(1_000_000_000);
            };
            previous = second;
            String text = rfc3339Nano(Instant.ofEpochSecond(second, nanos));
            assertThat(parse(text)).as(text).isEqualTo(Instant.parse(text));
        }
    }

    @Test
    @DisplayName("agrees with Instant.parse on 100 000 mutations of valid timestamps")
    void mutations() {
        Random random = new Random(7);
        String alphabet = "0123456789-:.TZz+ x";
        String base = "2026-11-24T12:33:35.123456789Z";
        for (int i = 0; i < 100_000; i++) {
            StringBuilder text = new StringBuilder(random.nextBoolean() ? base : "2024-02-29T23:59:59+05:30");
            int edits = 1 + random.nextInt(3);
            for (int e = 0; e < edits; e++) {
                int at = random.nextInt(text.length());
                char c = alphabet.charAt(random.nextInt(alphabet.length()));
                switch (random.nextInt(3)) {
                    case 0 -> text.setCharAt(at, c);
                    case 1 -> text.insert(at, c);
                    default -> text.deleteCharAt(at);
                }
            }
            String candidate = text.toString();
            assertThat(parse(candidate)).as(candidate).isEqualTo(reference(candidate));
        }
    }
}

package io.containerlogging.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A json-file log line is decoded from its bytes")
class JsonFileLineTest {

    final JsonFileLine decoder = new JsonFileLine();

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    String log() {
        return new String(decoder.log(), 0, decoder.logLength(), StandardCharsets.UTF_8);
    }

    String time() {
        return new String(decoder.time(), 0, decoder.timeLength(), StandardCharsets.US_ASCII);
    }

    boolean decode(String line) {
        byte[] b = bytes(line);
        return decoder.decode(b, 0, b.length);
    }

    @Test
    @DisplayName("dockerd's own shape: log, stream and time")
    void plain() {
        assertThat(decode("{\"log\":\"hello world\\n\",\"stream\":\"stderr\",\"time\":\"2026-12-06T21:00:00.123456789Z\"}"))
                .isTrue();
        assertThat(log()).isEqualTo("hello world\n");
        assertThat(decoder.stream()).isEqualTo(JsonFileLine.STDERR);
        assertThat(time()).isEqualTo("2026-12-06T21:00:00.123456789Z");
    }

    @Test
    @DisplayName("extra keys (attrs) in any place are skipped, and a partial piece keeps its missing newline")
    void extraKeys() {
        assertThat(decode("{\"attrs\":{\"a\":\"b\\\"}\",\"n\":[1,2.5e3,{\"x\":null}]},\"log\":\"piece\","
                + "\"stream\":\"stdout\",\"x\":true,\"time\":\"2026-12-06T21:00:00Z\"}")).isTrue();
        assertThat(log()).isEqualTo("piece");
        assertThat(decoder.stream()).isEqualTo(JsonFileLine.STDOUT);
    }

    @Test
    @DisplayName("escapes, control characters, surrogate pairs and lone surrogates decode as Go does")
    void escapes() {
        assertThat(decode("{\"log\":\"a\\u0000b\\t\\\\\\/\\\"\\u00e9\\ud83d\\ude00\\ud800x\\udc00\\n\","
                + "\"stream\":\"stdout\",\"time\":\"t\"}")).isTrue();
        assertThat(log()).isEqualTo("a\u0000b\t\\/\"\u00e9\uD83D\uDE00\uFFFDx\uFFFD\n");
    }

    @Test
    @DisplayName("anything that is not a json-file line is refused, never thrown")
    void garbage() {
        for (String line : new String[] {"", "{", "{}", "[]", "not json", "{\"log\":\"x\"}",
            "{\"log\":\"x\",\"stream\":\"stdin\",\"time\":\"t\"}",
            "{\"log\":\"x\",\"stream\":\"stdout\",\"time\":\"t\"", // torn
            "{\"log\":\"x\\q\",\"stream\":\"stdout\",\"time\":\"t\"}",
            "{\"log\":\"x\\u12\",\"stream\":\"stdout\",\"time\":\"t\"}",
            "{\"log\":\"x\",\"stream\":\"stdout\",\"time\":\"t\"} trailing",
            "{\"log\":\"x\" \"stream\":\"stdout\",\"time\":\"t\"}",
            "{\"log\":1,\"stream\":\"stdout\",\"time\":\"t\"}"}) {
            assertThat(decode(line)).as(line).isFalse();
        }
    }

    @Test
    @DisplayName("a torn line (any prefix of a valid one) is refused")
    void tornPrefixes() {
        byte[] line = bytes("{\"log\":\"caf\u00e9 \\u00e9\\n\",\"stream\":\"stdout\",\"time\":\"2026-12-06T21:00:00Z\"}");
        for (int cut = 0; cut < line.length; cut++) {
            assertThat(decoder.decode(line, 0, cut)).as("cut at " + cut).isFalse();
        }
        assertThat(decoder.decode(line, 0, line.length)).isTrue();
    }

    @Test
    @DisplayName("random and hostile strings decode as gson decodes them")
    void againstGson() {
        Random random = new Random(20);
        for (int round = 0; round < 20_000; round++) {
            String text = randomText(random);
            JsonObject object = new JsonObject();
            if (random.nextInt(4) == 0) {
                JsonObject attrs = new JsonObject();
                attrs.addProperty(randomText(random), randomText(random));
                object.add("attrs", attrs);
            }
            object.addProperty("log", text);
            object.addProperty("stream", random.nextBoolean() ? "stdout" : "stderr");
            object.addProperty("time", "2026-12-06T21:00:00." + random.nextInt(1_000_000_000) + "Z");
            String json = object.toString();
            if (random.nextBoolean()) {
                json = escapeAllNonAscii(json); // lone surrogates as escapes
            } else {
                json = new String(bytes(json), StandardCharsets.UTF_8); // as a file holds it: UTF-8 has none
            }
            String shown = escapeAllNonAscii(json).replace("\u0000", "<NUL>");
            assertThat(decode(json)).as(shown).isTrue();
            JsonObject parsed = JsonParser.parseString(json).getAsJsonObject();
            assertThat(escapeAllNonAscii(log())).as(shown)
                    .isEqualTo(escapeAllNonAscii(goString(parsed.get("log").getAsString())));
            assertThat(decoder.stream()).isEqualTo(parsed.get("stream").getAsString().equals("stderr") ? 1 : 0);
            assertThat(time()).isEqualTo(parsed.get("time").getAsString());
        }
    }

    @Test
    @DisplayName("invalid UTF-8 is kept as bytes, for the line assembler to replace")
    void invalidUtf8() {
        byte[] prefix = bytes("{\"log\":\"a");
        byte[] suffix = bytes("b\",\"stream\":\"stdout\",\"time\":\"t\"}");
        byte[] line = new byte[prefix.length + 2 + suffix.length];
        System.arraycopy(prefix, 0, line, 0, prefix.length);
        line[prefix.length] = (byte) 0xC3;
        line[prefix.length + 1] = (byte) 0xFF;
        System.arraycopy(suffix, 0, line, prefix.length + 2, suffix.length);
        assertThat(decoder.decode(line, 0, line.length)).isTrue();
        assertThat(decoder.logLength()).isEqualTo(4);
        assertThat(decoder.log()[1]).isEqualTo((byte) 0xC3);
        assertThat(decoder.log()[2]).isEqualTo((byte) 0xFF);
    }

    /** What a Go string holds for a Java one: a lone surrogate becomes U+FFFD. */
    static String goString(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                out.append(c).append(s.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                out.append('\uFFFD');
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    static String escapeAllNonAscii(String json) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c >= 0x80 || c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    static String randomText(Random random) {
        char[] alphabet = {'a', ' ', '"', '\\', '/', '\n', '\r', '\t', '\u0000', '\u001f', '\u00e9', '\u2028',
            '\uD83D', '\uDE00', '\uD800', '\uDFFF', '{', '}', ':', ','};
        int length = random.nextInt(40);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            s.append(random.nextInt(3) == 0 ? (char) random.nextInt(0x3000) : alphabet[random.nextInt(alphabet.length)]);
        }
        return s.toString();
    }
}

package io.containerlogging.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import io.containerlogging.core.LevelSource;
import io.containerlogging.core.LogId;
import io.containerlogging.core.LogJson;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogSource;
import io.containerlogging.core.SourceType;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The byte decoder of stored lines must agree with the gson path whenever it answers. */
class LogLineDecoderTest {

    private static final Instant T = Instant.parse("2023-10-01T21:20:00.123456789Z");

    /** The gson path alone: the message, or null where it rejects the text. */
    private static LogMessage viaGson(String json) {
        try {
            JsonReader reader = new JsonReader(new StringReader(json));
            LogMessage message = LogJson.read(reader);
            return reader.peek() == JsonToken.END_DOCUMENT ? message : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** What the decoder reads from the whole of {@code line}, as a message; null if it gives up. */
    private static LogMessage decoded(LogLineDecoder decoder, byte[] line) {
        // Bytes after the line (the next line, or stale buffer contents) must not change the answer.
        byte[] buffer = new byte[line.length + 8];
        System.arraycopy(line, 0, buffer, 3, line.length);
        buffer[3 + line.length] = '"';
        buffer[4 + line.length] = '}';
        int end = decoder.decode(buffer, 3, 3 + line.length);
        if (end != 3 + line.length) {
            return null;
        }
        return new LogMessage(LogId.format(decoder.sequence()), decoder.text(),
                Instant.ofEpochSecond(decoder.epochSecond(), decoder.nano()), decoder.level(), decoder.source(),
                decoder.serviceId(), decoder.serviceName(), decoder.containerId(), decoder.isStdErr(),
                decoder.isSystem(), decoder.deviceId(), decoder.levelSource(), null);
    }

    private static LogMessage decoded(String json) {
        return decoded(new LogLineDecoder(), json.getBytes(StandardCharsets.UTF_8));
    }

    private static void agrees(String json) {
        LogMessage fast = decoded(json);
        if (fast != null) {
            assertThat(fast).as(json).isEqualTo(viaGson(json));
        }
    }

    @Test
    @DisplayName("reads what LogJson writes, for every field combination and random text")
    void readsWhatLogJsonWrites() {
        List<LogMessage> messages = List.of(
                new LogMessage("log-42", "plain", T, LogLevel.ERROR, LogSource.container("web"), 7, "web",
                        "abc123", true, false, null),
                LogMessage.system("boot", LogLevel.WARN, T).withId("log-1"),
                LogMessage.manager("state", LogLevel.DEBUG, Instant.EPOCH).withId("log-999999999999999999"),
                new LogMessage("log-5", "", Instant.ofEpochSecond(-1, 5), LogLevel.INFO,
                        new LogSource(SourceType.CONTAINER, null), Integer.MIN_VALUE, null, null, false, false, null),
                new LogMessage("log-43", "on a device", T, LogLevel.INFO, LogSource.container("web"), 7, "web",
                        "abc123", false, false, "pi-07", LevelSource.LOGFMT, null),
                new LogMessage("log-44", "année 3000 \uD83D\uDE00", Instant.parse("3000-01-01T00:00:00Z"),
                        LogLevel.INFO, LogSource.container("wéb"), null, "wéb", null, false, false, null));
        LogLineDecoder decoder = new LogLineDecoder();
        List<LogMessage> read = new ArrayList<>();
        for (LogMessage message : messages) {
            String json = LogJson.toJson(message);
            // the decoder itself must read it (not give up to the gson path)
            LogMessage decoded = decoded(decoder, json.getBytes(StandardCharsets.UTF_8));
            assertThat(decoded).as(json).isEqualTo(message);
            read.add(decoded);
        }
        // one decoder, values repeating: the same instances
        LogMessage again = decoded(decoder, LogJson.toJson(messages.get(0)).getBytes(StandardCharsets.UTF_8));
        assertThat(again.serviceName()).isSameAs(read.get(0).serviceName());
        assertThat(again.containerId()).isSameAs(read.get(0).containerId());
        assertThat(again.source()).isSameAs(read.get(0).source());
        Random random = new Random(11);
        for (int round = 0; round < 2_000; round++) {
            char[] text = new char[random.nextInt(200)];
            for (int i = 0; i < text.length; i++) {
                int kind = random.nextInt(10);
                text[i] = (char) (kind < 6 ? 0x20 + random.nextInt(0x60) : kind < 8 ? random.nextInt(0x20)
                        : random.nextInt(0xd800));
            }
            LogMessage message = messages.get(0).toBuilder().message(new String(text)).build();
            assertThat(decoded(decoder, LogJson.toJson(message).getBytes(StandardCharsets.UTF_8))).isEqualTo(message);
        }
    }

    @Test
    @DisplayName("gives up, or agrees with gson, on every other form")
    void otherForms() {
        String base = LogJson.toJson(new LogMessage("log-1", "m", T, LogLevel.INFO, LogSource.container("web"),
                1, "web", "c", false, false, null));
        List<String> forms = List.of(
                "{}", "", "{", "[]", "null", base + " ", " " + base, base + "{}", base.replace(",", ", "),
                base.replace("\"id\":\"log-1\"", "\"id\":null"),
                base.replace("\"id\":\"log-1\"", "\"id\":1"),
                base.replace("\"id\":\"log-1\"", "\"id\":\"log-01\""),
                base.replace("\"id\":\"log-1\"", "\"id\":\"log-0\""),
                base.replace("\"id\":\"log-1\"", "\"id\":\"log-1x\""),
                base.replace("\"id\":\"log-1\"", "\"extra\":{\"a\":[1,2]}"),
                base.replace("\"serviceId\":1", "\"serviceId\":1.0"),
                base.replace("\"serviceId\":1", "\"serviceId\":01"),
                base.replace("\"serviceId\":1", "\"serviceId\":99999999999"),
                base.replace("\"serviceId\":1", "\"serviceId\":-5"),
                base.replace("\"serviceId\":1", "\"serviceId\":\"1\""),
                base.replace("\"level\":\"info\"", "\"level\":\"loud\""),
                base.replace("\"level\":\"info\"", "\"level\":\"INFO\""),
                base.replace("\"level\":\"info\"", "\"level\":\"inf\\u006f\""),
                base.replace("\"type\":\"container\"", "\"type\":\"other\""),
                base.replace(",\"name\":\"web\"}", ",\"name\":\"web\",\"x\":1}"),
                base.replace(",\"name\":\"web\"}", "}"),
                base.replace("\"message\":\"m\"", "\"message\":\"a\\/b\\u00e9\\\"\\\\\\b\\f\\n\\r\\t\""),
                base.replace("\"message\":\"m\"", "\"message\":\"lone \\ud83d surrogate\""),
                base.replace("\"message\":\"m\"", "\"message\":\"bad \\x escape\""),
                base.replace("\"message\":\"m\"", "\"message\":\"raw \t tab\""),
                base.replace("\"message\":\"m\"", "\"message\":\"\\u12\""),
                base.replace("\"message\":\"m\",", ""),
                base.replace("\"time\":\"2023-10-01T21:20:00.123456789Z\",", ""),
                base.replace("\"timestamp\":" + T.toEpochMilli() + ",", ""),
                base.replace("\"time\":\"2023-10-01T21:20:00.123456789Z\"", "\"time\":\"yesterday\""),
                base.replace("\"time\":\"2023-10-01T21:20:00.123456789Z\"", "\"time\":\"2023-02-30T21:20:00.123456789Z\""),
                base.replace("\"time\":\"2023-10-01T21:20:00.123456789Z\"", "\"time\":\"2023-10-01T23:20:00+02:00\""),
                base.replace("\"isStdErr\":false", "\"isStdErr\":tru"),
                base.replace("\"isStdErr\":false", "\"isStdErr\":\"false\""),
                base.replace("\"timestamp\":", "\"timestamp\":-"),
                base.replace("}", ""),
                base.substring(0, base.length() - 1) + ",}",
                base.replace("\"message\"", "\"mess\\u0061ge\""),
                base.replace("}", ",\"fields\":{\"a\":1}}"),
                base + "\n");
        for (String form : forms) {
            agrees(form);
        }
        assertThat(decoded(base.replace(",", ", "))).isNull();
        assertThat(decoded(base.replace("\"id\":\"log-1\"", "\"id\":\"log-01\""))).isNull();
        assertThat(decoded("{}")).isNull();
        assertThat(decoded(base.replace("\"message\":\"m\"", "\"message\":\"a\\/b\\u00e9\\\"\\\\\\b\\f\\n\\r\\t\""))
                .message()).isEqualTo("a/b\u00e9\"\\\b\f\n\r\t");
        assertThat(decoded(base.replace("\"message\":\"m\"", "\"message\":\"\\ud83d\\ude00 \\u20ac\"")).message())
                .isEqualTo("\uD83D\uDE00 \u20ac");
        assertThat(decoded(base.replace("\"timestamp\":" + T.toEpochMilli() + ",", ""))).isNotNull();
        assertThat(decoded(base.replace("\"time\":\"2023-10-01T21:20:00.123456789Z\",", "")).timestamp())
                .isEqualTo(Instant.ofEpochMilli(T.toEpochMilli()));
    }

    @Test
    @DisplayName("decodes malformed UTF-8 in a text as the line reader's decoder does")
    void malformedUtf8() {
        String base = LogJson.toJson(new LogMessage("log-1", "XX", T, LogLevel.INFO, LogSource.container("web"),
                1, "web", "c", false, false, null));
        byte[] bytes = base.getBytes(StandardCharsets.UTF_8);
        int x = base.indexOf("XX");
        bytes[x] = (byte) 0xE2;
        bytes[x + 1] = (byte) 0x82;
        LogMessage message = decoded(new LogLineDecoder(), bytes);
        assertThat(message).isEqualTo(viaGson(new String(bytes, StandardCharsets.UTF_8)));
    }
}

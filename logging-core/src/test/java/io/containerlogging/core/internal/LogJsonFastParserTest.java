package io.containerlogging.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import io.containerlogging.core.LogJson;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogSource;
import io.containerlogging.core.SourceType;
import java.io.IOException;
import java.io.StringReader;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The fast path of LogJson.fromJson must agree with the gson path whenever it answers. */
class LogJsonFastParserTest {

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

    private static void agrees(String json) {
        LogMessage fast = LogJsonFastParser.tryParse(json);
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
                LogMessage.system("boot", LogLevel.WARN, T),
                LogMessage.manager("state", LogLevel.DEBUG, Instant.EPOCH),
                new LogMessage(null, "", Instant.ofEpochSecond(-1, 5), LogLevel.INFO,
                        new LogSource(SourceType.CONTAINER, null), Integer.MIN_VALUE, null, null, false, false, null),
                new LogMessage("log-43", "on a device", T, LogLevel.INFO, LogSource.container("web"), 7, "web",
                        "abc123", false, false, "pi-07"));
        for (LogMessage message : messages) {
            String json = LogJson.toJson(message);
            // the fast path itself must read it (not give up to the gson path)
            assertThat(LogJsonFastParser.tryParse(json)).as(json).isEqualTo(message);
        }
        Random random = new Random(11);
        for (int round = 0; round < 2_000; round++) {
            char[] text = new char[random.nextInt(200)];
            for (int i = 0; i < text.length; i++) {
                int kind = random.nextInt(10);
                text[i] = (char) (kind < 6 ? 0x20 + random.nextInt(0x60) : kind < 8 ? random.nextInt(0x20)
                        : random.nextInt(0xd800));
            }
            LogMessage message = messages.get(0).toBuilder().message(new String(text)).build();
            assertThat(LogJsonFastParser.tryParse(LogJson.toJson(message))).isEqualTo(message);
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
                base.replace("\"id\":\"log-1\"", "\"extra\":{\"a\":[1,2]}"),
                base.replace("\"serviceId\":1", "\"serviceId\":1.0"),
                base.replace("\"serviceId\":1", "\"serviceId\":01"),
                base.replace("\"serviceId\":1", "\"serviceId\":99999999999"),
                base.replace("\"serviceId\":1", "\"serviceId\":-5"),
                base.replace("\"serviceId\":1", "\"serviceId\":\"1\""),
                base.replace("\"level\":\"info\"", "\"level\":\"loud\""),
                base.replace("\"level\":\"info\"", "\"level\":\"INFO\""),
                base.replace("\"type\":\"container\"", "\"type\":\"other\""),
                base.replace(",\"name\":\"web\"}", ",\"name\":\"web\",\"x\":1}"),
                base.replace("\"message\":\"m\"", "\"message\":\"a\\/b\\u00e9\\\"\\\\\\b\\f\\n\\r\\t\""),
                base.replace("\"message\":\"m\"", "\"message\":\"bad \\x escape\""),
                base.replace("\"message\":\"m\"", "\"message\":\"raw \t tab\""),
                base.replace("\"message\":\"m\"", "\"message\":\"\\u12\""),
                base.replace("\"message\":\"m\",", ""),
                base.replace("\"time\":\"2023-10-01T21:20:00.123456789Z\",", ""),
                base.replace("\"timestamp\":" + T.toEpochMilli() + ",", ""),
                base.replace("\"time\":\"2023-10-01T21:20:00.123456789Z\"", "\"time\":\"yesterday\""),
                base.replace("\"time\":\"2023-10-01T21:20:00.123456789Z\"", "\"time\":\"2023-10-01T23:20:00+02:00\""),
                base.replace("\"isStdErr\":false", "\"isStdErr\":tru"),
                base.replace("\"isStdErr\":false", "\"isStdErr\":\"false\""),
                base.replace("\"timestamp\":", "\"timestamp\":-"),
                base.replace("}", ""),
                base.substring(0, base.length() - 1) + ",}",
                base.replace("\"message\"", "\"mess\\u0061ge\""),
                base + "\n");
        for (String form : forms) {
            agrees(form);
        }
        assertThat(LogJsonFastParser.tryParse(base.replace(",", ", "))).isNull();
        assertThat(LogJsonFastParser.tryParse("{}")).isNull();
        assertThat(LogJsonFastParser.tryParse(
                base.replace("\"message\":\"m\"", "\"message\":\"a\\/b\\u00e9\\\"\\\\\\b\\f\\n\\r\\t\"")).message())
                .isEqualTo("a/b\u00e9\"\\\b\f\n\r\t");
    }
}

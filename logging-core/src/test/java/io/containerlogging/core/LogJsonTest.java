package io.containerlogging.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class LogJsonTest {

    private static final Instant T = Instant.parse("2023-10-01T21:20:00.123456789Z");

    private static LogMessage containerLine() {
        return new LogMessage("log-1", "Server started on port 8080", T, LogLevel.INFO,
                LogSource.container("web"), 1, "web", "abc123", false, false, null);
    }

    @Nested
    @DisplayName("writing")
    class Writing {

        @Test
        @DisplayName("uses the seed's field names, order and types, plus the full-precision time")
        void seedShape() {
            assertThat(LogJson.toJson(containerLine())).isEqualTo(
                    "{\"id\":\"log-1\",\"message\":\"Server started on port 8080\","
                            + "\"timestamp\":" + T.toEpochMilli() + ","
                            + "\"time\":\"2023-10-01T21:20:00.123456789Z\",\"level\":\"info\","
                            + "\"levelSource\":\"stream\","
                            + "\"source\":{\"type\":\"container\",\"name\":\"web\"},\"serviceId\":1,"
                            + "\"serviceName\":\"web\",\"containerId\":\"abc123\","
                            + "\"isStdErr\":false,\"isSystem\":false}");
        }

        @Test
        @DisplayName("omits null fields")
        void omitsNulls() {
            JsonObject json = JsonParser.parseString(
                    LogJson.toJson(LogMessage.system("boot", LogLevel.WARN, T))).getAsJsonObject();
            assertThat(json.keySet()).containsExactly("message", "timestamp", "time", "level",
                    "levelSource", "source", "isStdErr", "isSystem");
            assertThat(json.get("levelSource").getAsString()).isEqualTo("explicit");
            assertThat(json.get("isSystem").getAsBoolean()).isTrue();
            assertThat(json.getAsJsonObject("source").get("type").getAsString()).isEqualTo("system");
        }

        @Test
        @DisplayName("escapes control characters, quotes and non-ASCII so every message stays one NDJSON line")
        void escapes() {
            LogMessage message = containerLine().toBuilder()
                    .message("tab\there \"quoted\" back\\slash nl\nzero\u0000 é ✓ \uD83D\uDE00").build();
            String json = LogJson.toJson(message);
            assertThat(json).doesNotContain("\n").doesNotContain("\u0000");
            assertThat(LogJson.fromJson(json)).isEqualTo(message);
        }

        @Test
        @DisplayName("writes deviceId right after containerId when set, and reads it back")
        void deviceId() {
            LogMessage message = containerLine().toBuilder().deviceId("pi-07").build();
            String json = LogJson.toJson(message);
            assertThat(json).contains("\"containerId\":\"abc123\",\"deviceId\":\"pi-07\",\"isStdErr\"");
            assertThat(LogJson.fromJson(json)).isEqualTo(message);
            assertThat(LogJson.fromJson(json).deviceId()).isEqualTo("pi-07");
            assertThat(LogJson.toJson(containerLine())).doesNotContain("deviceId");
            assertThat(LogJson.fromJson(LogJson.toJson(containerLine())).deviceId()).isNull();
        }
    }

    @Nested
    @DisplayName("reading")
    class Reading {

        @Test
        @DisplayName("round-trips every field at nanosecond precision")
        void roundTrip() {
            LogMessage message = containerLine().toBuilder().level(LogLevel.ERROR).stdErr(true)
                    .timestamp(Instant.ofEpochSecond(1_700_000_000L, 1)).build();
            assertThat(LogJson.fromJson(LogJson.toJson(message))).isEqualTo(message);
        }

        @Test
        @DisplayName("reads the seed's example (no time field, no id) at millisecond precision")
        void seedExample() {
            LogMessage message = LogJson.fromJson("{\"message\":\"Error connecting to database\","
                    + "\"timestamp\":1696195201000,\"level\":\"error\","
                    + "\"source\":{\"type\":\"container\",\"name\":\"api\"},\"serviceId\":2,"
                    + "\"serviceName\":\"api\",\"containerId\":\"def456\",\"isStdErr\":true,\"isSystem\":false}");
            assertThat(message.id()).isNull();
            assertThat(message.timestamp()).isEqualTo(Instant.ofEpochMilli(1696195201000L));
            assertThat(message.level()).isEqualTo(LogLevel.ERROR);
            assertThat(message.source()).isEqualTo(LogSource.container("api"));
            assertThat(message.isStdErr()).isTrue();
        }

        @Test
        @DisplayName("prefers the full-precision time over the millisecond timestamp and skips unknown fields")
        void prefersTime() {
            LogMessage message = LogJson.fromJson("{\"future\":{\"a\":[1,2]},\"message\":\"m\","
                    + "\"timestamp\":1,\"time\":\"2023-10-01T21:20:00.123456789Z\",\"level\":\"debug\","
                    + "\"source\":{\"type\":\"manager\"},\"isStdErr\":false,\"isSystem\":true}");
            assertThat(message.timestamp()).isEqualTo(T);
            assertThat(message.source().name()).isNull();
        }

        @Test
        @DisplayName("rejects what is not a message with IllegalArgumentException, never anything else")
        void rejects() {
            String[] bad = {
                "", "{", "[]", "null", "{\"message\":\"m\"}", "{} trailing",
                "{\"message\":\"m\",\"timestamp\":1,\"level\":\"loud\",\"source\":{\"type\":\"system\"}}",
                "{\"message\":\"m\",\"timestamp\":1,\"level\":\"info\",\"source\":{\"type\":\"sky\"}}",
                "{\"message\":\"m\",\"timestamp\":\"x\",\"level\":\"info\",\"source\":{\"type\":\"system\"}}",
                "{\"message\":\"m\",\"time\":\"yesterday\",\"level\":\"info\",\"source\":{\"type\":\"system\"}}",
                "{\"message\":\"m\",\"timestamp\":1,\"level\":\"info\",\"source\":{}}",
                "{\"message\":\"m\",\"timestamp\":1,\"level\":\"info\",\"source\":{\"type\":\"system\"},\"isStdErr\":\"x\"}",
                "{\"message\":\"m\",\"timestamp\":1,\"level\":\"info\",\"source\":{\"type\":\"system\"},\"serviceId\":1.5}",
                "{\"id\":\"log-1\",\"message\":\"m\",\"timestamp\":1,\"level\":\"info\",\"source\":{\"type\":\"sys",
            };
            for (String json : bad) {
                assertThatThrownBy(() -> LogJson.fromJson(json)).as(json)
                        .isInstanceOf(IllegalArgumentException.class);
            }
        }

        @Test
        @DisplayName("works as a gson TypeAdapter for hosts that use gson")
        void typeAdapter() {
            Gson gson = new GsonBuilder().registerTypeAdapter(LogMessage.class, LogJson.typeAdapter()).create();
            LogMessage message = containerLine();
            assertThat(gson.fromJson(gson.toJson(message), LogMessage.class)).isEqualTo(message);
            assertThat(gson.toJson(null, LogMessage.class)).isEqualTo("null");
        }
    }

    @Nested
    @DisplayName("RFC 3339 time")
    class Time {

        @Test
        @DisplayName("formats with nine fraction digits in UTC, and parses what it formats")
        void fixedWidth() {
            Random random = new Random(42);
            for (int i = 0; i < 10_000; i++) {
                Instant t = Instant.ofEpochSecond(random.nextInt(Integer.MAX_VALUE) * 2L, random.nextInt(1_000_000_000));
                String text = LogJson.formatTime(t);
                assertThat(text).hasSize(30).isEqualTo(java.time.format.DateTimeFormatter
                        .ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(java.time.ZoneOffset.UTC).format(t));
                assertThat(LogJson.parseTime(text)).isEqualTo(t);
            }
            assertThat(LogJson.formatTime(Instant.EPOCH)).isEqualTo("1970-01-01T00:00:00.000000000Z");
        }

        @Test
        @DisplayName("parses other RFC 3339 forms: fewer digits and offsets")
        void otherForms() {
            assertThat(LogJson.parseTime("2023-10-01T21:20:00Z")).isEqualTo(Instant.parse("2023-10-01T21:20:00Z"));
            assertThat(LogJson.parseTime("2023-10-01T23:20:00.5+02:00")).isEqualTo(Instant.parse("2023-10-01T21:20:00.5Z"));
        }
    }
}

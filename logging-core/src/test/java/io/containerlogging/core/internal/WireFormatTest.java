package io.containerlogging.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import io.containerlogging.core.LevelSource;
import io.containerlogging.core.LogFields;
import io.containerlogging.core.LogJson;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogSource;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Every encoder and decoder of the wire format follows the one field table: encoders write
 * exactly the {@link WireField}s (and {@link SourceField}s) in the table's order, and every
 * encoder x decoder pair round-trips a message with every field set.
 */
class WireFormatTest {

    /** A message in which every field is present and not its default, so a decoder that skips one fails. */
    private static final LogMessage EVERY_FIELD = LogMessage.builder()
            .id("log-42")
            .message("every \"field\" set\n\u00e9")
            .timestamp(Instant.parse("2023-10-01T21:20:00.123456789Z"))
            .level(LogLevel.ERROR)
            .source(LogSource.container("web"))
            .serviceId(7)
            .serviceName("web")
            .containerId("abc123")
            .deviceId("pi-07")
            .stdErr(true)
            .system(true)
            .levelSource(LevelSource.TEXT)
            .fields(LogFields.builder().put("msg", "a \"quoted\"\ttext").put("http.status", 500L)
                    .put("ratio", new BigDecimal("0.25")).put("ok", true).put("k\u00e9y", "v").build())
            .build();

    private static final Map<String, Function<LogMessage, String>> ENCODERS = new LinkedHashMap<>();
    private static final Map<String, Function<String, LogMessage>> DECODERS = new LinkedHashMap<>();

    static {
        ENCODERS.put("LogJson.write", message -> {
            StringWriter out = new StringWriter();
            try {
                LogJson.write(new JsonWriter(out), message);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toString();
        });
        ENCODERS.put("LogJson.toJson", LogJson::toJson);
        ENCODERS.put("Utf8Buffer.write",
                message -> new String(new Utf8Buffer(0).write(message).toByteArray(), StandardCharsets.UTF_8));

        DECODERS.put("LogJson.read", json -> {
            try {
                JsonReader reader = new JsonReader(new StringReader(json));
                LogMessage message = LogJson.read(reader);
                assertThat(reader.peek()).isEqualTo(JsonToken.END_DOCUMENT);
                return message;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        DECODERS.put("LogJsonFastParser.tryParse", json -> {
            LogMessage message = LogJsonFastParser.tryParse(json);
            if (message == null) {
                throw new IllegalArgumentException("the fast parser gave up on " + json);
            }
            return message;
        });
        DECODERS.put("LogJson.fromJson", LogJson::fromJson);
    }

    private static List<String> names(List<? extends Enum<?>> fields, Function<Enum<?>, String> name) {
        List<String> names = new ArrayList<>();
        fields.forEach(field -> names.add(name.apply(field)));
        return names;
    }

    private static List<String> wireNames() {
        return names(WireField.inOrder(), field -> ((WireField) field).jsonName());
    }

    @Test
    @DisplayName("the test message sets every field of the table to a value other than its default")
    void fixtureSetsEveryField() {
        for (WireField field : WireField.inOrder()) {
            Object value;
            switch (field.kind()) {
                case STRING -> value = field.string(EVERY_FIELD);
                case LONG -> value = field.number(EVERY_FIELD) == 0 ? null : field.number(EVERY_FIELD);
                case INT -> value = field.integer(EVERY_FIELD);
                case BOOLEAN -> value = field.bool(EVERY_FIELD) ? true : null;
                case TIME -> value = field.time(EVERY_FIELD);
                case SOURCE -> value = field.source(EVERY_FIELD);
                case FIELDS -> value = field.fields(EVERY_FIELD);
                default -> throw new AssertionError(field.kind());
            }
            assertThat(value).as("EVERY_FIELD sets %s; a new field must be set here too", field).isNotNull();
            if (field == WireField.LEVEL_SOURCE) {
                assertThat(value).as("not the default level source").isNotEqualTo("explicit");
            }
        }
        for (SourceField field : SourceField.inOrder()) {
            assertThat(field.string(EVERY_FIELD.source())).as(field.jsonName()).isNotNull();
        }
    }

    @Test
    @DisplayName("the table's names are unique and each is found by name")
    void namesLookUp() {
        assertThat(wireNames()).doesNotHaveDuplicates();
        for (WireField field : WireField.inOrder()) {
            assertThat(WireField.named(field.jsonName())).isSameAs(field);
            assertThat(WireField.named("x" + field.jsonName() + "x", 1, field.jsonName().length())).isSameAs(field);
        }
        for (SourceField field : SourceField.inOrder()) {
            assertThat(SourceField.named(field.jsonName())).isSameAs(field);
        }
        assertThat(WireField.named("nope")).isNull();
        assertThat(WireField.named("aVeryLongNameThatNoFieldHas")).isNull();
        assertThat(SourceField.named("nope")).isNull();
    }

    @Test
    @DisplayName("every encoder writes exactly the table's fields in the table's order")
    void encodersFollowTheTable() {
        for (Map.Entry<String, Function<LogMessage, String>> encoder : ENCODERS.entrySet()) {
            JsonObject json = JsonParser.parseString(encoder.getValue().apply(EVERY_FIELD)).getAsJsonObject();
            assertThat(new ArrayList<>(json.keySet())).as(encoder.getKey()).containsExactlyElementsOf(wireNames());
            assertThat(new ArrayList<>(json.getAsJsonObject(WireField.SOURCE.jsonName()).keySet()))
                    .as(encoder.getKey())
                    .containsExactlyElementsOf(names(SourceField.inOrder(), f -> ((SourceField) f).jsonName()));
        }
    }

    @Test
    @DisplayName("every encoder omits the absent fields and keeps the others in the table's order")
    void encodersOmitAbsentFields() {
        LogMessage sparse = new LogMessage(null, "m", Instant.EPOCH, LogLevel.INFO,
                new LogSource(io.containerlogging.core.SourceType.MANAGER, null), null, null, null, false, false, null);
        List<String> expected = new ArrayList<>(wireNames());
        expected.removeAll(List.of("id", "serviceId", "serviceName", "containerId", "deviceId", "fields"));
        for (Map.Entry<String, Function<LogMessage, String>> encoder : ENCODERS.entrySet()) {
            JsonObject json = JsonParser.parseString(encoder.getValue().apply(sparse)).getAsJsonObject();
            assertThat(new ArrayList<>(json.keySet())).as(encoder.getKey()).containsExactlyElementsOf(expected);
            assertThat(json.getAsJsonObject("source").keySet()).as(encoder.getKey()).containsExactly("type");
        }
    }

    @Test
    @DisplayName("all encoders write the same bytes")
    void encodersAgree() {
        for (LogMessage message : List.of(EVERY_FIELD, LogMessage.system("boot", LogLevel.WARN, Instant.EPOCH))) {
            String reference = LogJson.toJson(message);
            for (Map.Entry<String, Function<LogMessage, String>> encoder : ENCODERS.entrySet()) {
                assertThat(encoder.getValue().apply(message)).as(encoder.getKey()).isEqualTo(reference);
            }
        }
    }

    @Test
    @DisplayName("every encoder x decoder pair round-trips a message with every field set")
    void everyPairRoundTrips() {
        for (Map.Entry<String, Function<LogMessage, String>> encoder : ENCODERS.entrySet()) {
            String json = encoder.getValue().apply(EVERY_FIELD);
            for (Map.Entry<String, Function<String, LogMessage>> decoder : DECODERS.entrySet()) {
                assertThat(decoder.getValue().apply(json)).as(encoder.getKey() + " -> " + decoder.getKey())
                        .isEqualTo(EVERY_FIELD);
            }
        }
    }

    @Test
    @DisplayName("every decoder reads the millisecond timestamp when the full-precision time is absent")
    void decodersReadTimestamp() {
        JsonObject json = JsonParser.parseString(LogJson.toJson(EVERY_FIELD)).getAsJsonObject();
        json.remove(WireField.TIME.jsonName());
        LogMessage expected = EVERY_FIELD.toBuilder().timestamp(Instant.ofEpochMilli(EVERY_FIELD.timestampMillis())).build();
        for (Map.Entry<String, Function<String, LogMessage>> decoder : DECODERS.entrySet()) {
            assertThat(decoder.getValue().apply(json.toString())).as(decoder.getKey()).isEqualTo(expected);
        }
    }

    @Test
    @DisplayName("every decoder refuses a message without a required field")
    void decodersRequireFields() {
        for (WireField field : WireField.inOrder()) {
            JsonObject json = JsonParser.parseString(LogJson.toJson(EVERY_FIELD)).getAsJsonObject();
            json.remove(field.jsonName());
            if (field == WireField.TIMESTAMP) {
                json.remove(WireField.TIME.jsonName()); // the full-precision time stands in for it
            }
            for (Map.Entry<String, Function<String, LogMessage>> decoder : DECODERS.entrySet()) {
                if (field.required()) {
                    assertThatThrownBy(() -> decoder.getValue().apply(json.toString()))
                            .as(decoder.getKey() + " without " + field).isInstanceOf(IllegalArgumentException.class);
                } else {
                    assertThat(decoder.getValue().apply(json.toString())).as(decoder.getKey() + " without " + field)
                            .isNotNull();
                }
            }
        }
        JsonObject noType = JsonParser.parseString(LogJson.toJson(EVERY_FIELD)).getAsJsonObject();
        noType.getAsJsonObject("source").remove(SourceField.TYPE.jsonName());
        for (Map.Entry<String, Function<String, LogMessage>> decoder : DECODERS.entrySet()) {
            assertThatThrownBy(() -> decoder.getValue().apply(noType.toString()))
                    .as(decoder.getKey()).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    @DisplayName("the time formatter writes the same text as a String and as bytes")
    void timeFormatterOnce() {
        for (Instant time : List.of(Instant.EPOCH, Instant.parse("2023-10-01T21:20:00.000000001Z"),
                Instant.ofEpochSecond(-1, 5), Instant.parse("+12345-01-01T00:00:00Z"),
                Instant.parse("-0001-12-31T23:59:59.5Z"), Instant.parse("+999999999-12-31T23:59:59.999999999Z"))) {
            byte[] bytes = new byte[Rfc3339.MAX_LENGTH + 3];
            int end = Rfc3339.write(time, bytes, 3);
            assertThat(new String(bytes, 3, end - 3, StandardCharsets.US_ASCII)).isEqualTo(Rfc3339.format(time));
        }
        // Outside four-digit years (never seen in logs): Instant's own form.
        assertThat(Rfc3339.format(Instant.parse("+12345-01-01T00:00:00Z"))).isEqualTo("+12345-01-01T00:00:00Z");
    }

    @Test
    @DisplayName("a message without levelSource gets the default: stream for a container line, explicit otherwise")
    void decodersDefaultTheLevelSource() {
        JsonObject json = JsonParser.parseString(LogJson.toJson(EVERY_FIELD.toBuilder().system(false).build()))
                .getAsJsonObject();
        json.remove(WireField.LEVEL_SOURCE.jsonName());
        for (Map.Entry<String, Function<String, LogMessage>> decoder : DECODERS.entrySet()) {
            assertThat(decoder.getValue().apply(json.toString()).levelSource()).as(decoder.getKey())
                    .isEqualTo(LevelSource.STREAM);
        }
        json.addProperty(WireField.IS_SYSTEM.jsonName(), true);
        for (Map.Entry<String, Function<String, LogMessage>> decoder : DECODERS.entrySet()) {
            assertThat(decoder.getValue().apply(json.toString()).levelSource()).as(decoder.getKey())
                    .isEqualTo(LevelSource.EXPLICIT);
        }
    }

    @Test
    @DisplayName("a fields object written by someone else is flattened: nested objects to dotted paths, arrays to JSON text")
    void foreignFieldsAreFlattened() {
        JsonObject json = JsonParser.parseString(LogJson.toJson(EVERY_FIELD)).getAsJsonObject();
        json.add("fields", JsonParser.parseString(
                "{\"http\":{\"status\":404,\"path\":\"/x\"},\"tags\":[1,\"a\"],\"gone\":null,\"n\":1e3,\"f\":1.50}"));
        LogMessage message = LogJson.fromJson(json.toString());
        assertThat(message.fields().asMap()).containsExactly(
                Map.entry("http.status", 404L), Map.entry("http.path", "/x"), Map.entry("tags", "[1,\"a\"]"),
                Map.entry("n", 1000L), Map.entry("f", new BigDecimal("1.50")));
        assertThat(message.fields().text("f")).isEqualTo("1.50");
        assertThat(LogJson.fromJson(LogJson.toJson(message))).isEqualTo(message);
    }
}

package io.containerlogging.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.stream.JsonWriter;
import io.containerlogging.core.LogJson;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogSource;
import io.containerlogging.core.SourceType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The byte encoder must be indistinguishable from the JsonWriter path it replaces on hot paths. */
class LogJsonUtf8BufferTest {

    private static final Instant T = Instant.parse("2023-10-01T21:20:00.123456789Z");

    /** What LogJson.write through a UTF-8 OutputStreamWriter produces: the reference bytes. */
    private static byte[] viaJsonWriter(LogMessage message) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (Writer writer = new OutputStreamWriter(bytes, StandardCharsets.UTF_8)) {
            LogJson.write(new JsonWriter(writer), message);
        }
        return bytes.toByteArray();
    }

    private static byte[] viaBuffer(LogMessage message) {
        return new Utf8Buffer(0).write(message).toByteArray();
    }

    private static LogMessage full(String text) {
        return new LogMessage("log-42", text, T, LogLevel.ERROR, LogSource.container("web"), 7, "web",
                "abc123", true, false, null);
    }

    @Test
    @DisplayName("writes the same bytes as the JsonWriter path for every field combination")
    void sameAsJsonWriterForFields() throws IOException {
        List<LogMessage> messages = List.of(
                full("plain"),
                LogMessage.system("boot", LogLevel.WARN, T),
                LogMessage.manager("state", LogLevel.DEBUG, Instant.EPOCH),
                new LogMessage(null, "", Instant.ofEpochSecond(-1, 5), LogLevel.INFO,
                        new LogSource(SourceType.CONTAINER, null), null, null, null, false, false, null),
                full("far future").toBuilder().timestamp(Instant.parse("+12345-01-01T00:00:00Z")).build(),
                full("big numbers").toBuilder().serviceId(Integer.MIN_VALUE).build(),
                full("serviceId 0").toBuilder().serviceId(0).build(),
                full("on a device").toBuilder().deviceId("pi-07 \"north\"").build(),
                LogMessage.system("device boot", LogLevel.INFO, T).withDeviceId("pi-08"),
                full("numbers in fields").toBuilder().fields(io.containerlogging.core.LogFields.builder()
                        .put("min", Long.MIN_VALUE).put("max", Long.MAX_VALUE).put("minusOne", -1L)
                        .put("nine", 9L).put("ten", 10L).put("minusTen", -10L).put("zero", 0L)
                        .put("big", 1_000_000_000_000_000_000L).build()).build());
        for (LogMessage message : messages) {
            assertThat(new String(viaBuffer(message), StandardCharsets.UTF_8))
                    .isEqualTo(new String(viaJsonWriter(message), StandardCharsets.UTF_8));
        }
    }

    @Test
    @DisplayName("escapes exactly as gson does: controls, quotes, backslashes, U+2028/9; UTF-8 for the rest")
    void sameEscaping() throws IOException {
        StringBuilder every = new StringBuilder();
        for (char c = 0; c < 0x900; c++) {
            every.append(c);
        }
        every.append("\u2027\u2028\u2029\u202a\uffff\ufffd \uD83D\uDE00 html <>&='");
        assertThat(viaBuffer(full(every.toString()))).isEqualTo(viaJsonWriter(full(every.toString())));
    }

    @Test
    @DisplayName("escapes the same at every position of texts up to 40 bytes long")
    void everyPosition() throws IOException {
        // Each character that must be escaped, and each that starts with the same UTF-8 byte
        // as U+2028 (U+2000 to U+2FFF), at every offset in texts of every length up to 40.
        StringBuilder specials = new StringBuilder("\"\\\u0000\u001f\n\u007f\u00e2\u2028\u2029");
        for (char c = 0x2000; c < 0x3000; c += 7) {
            specials.append(c);
        }
        for (int i = 0; i < specials.length(); i++) {
            char special = specials.charAt(i);
            for (int length = 1; length <= 40; length++) {
                for (int at = 0; at < length; at++) {
                    String text = "a".repeat(at) + special + "b".repeat(length - at - 1);
                    assertThat(viaBuffer(full(text))).as("U+%04X at %d of %d", (int) special, at, length)
                            .isEqualTo(viaJsonWriter(full(text)));
                }
            }
        }
        // Separators across word edges, then E2 80 80 and E2 80 AA: E2 80 but not a separator.
        String near = "x\u2028".repeat(9) + "\u2000\u202a";
        assertThat(viaBuffer(full(near))).isEqualTo(viaJsonWriter(full(near)));
    }

    @Test
    @DisplayName("writes a lone surrogate as '?', as the JDK's UTF-8 encoder does")
    void loneSurrogates() throws IOException {
        for (String text : List.of("a\uD800", "\uD800b", "\uDC00", "x\uDC00\uD800y", "\uD83D\uDE00\uD83D")) {
            assertThat(viaBuffer(full(text))).as(text).isEqualTo(viaJsonWriter(full(text)));
        }
    }

    @Test
    @DisplayName("agrees with the JsonWriter path on random text, and grows from an empty buffer")
    void randomText() throws IOException {
        Random random = new Random(7);
        for (int round = 0; round < 2_000; round++) {
            char[] text = new char[random.nextInt(300)];
            for (int i = 0; i < text.length; i++) {
                int kind = random.nextInt(10);
                text[i] = (char) (kind < 6 ? 0x20 + random.nextInt(0x60) : kind < 8 ? random.nextInt(0x20)
                        : random.nextInt(0x10000));
            }
            LogMessage message = full(new String(text));
            assertThat(viaBuffer(message)).isEqualTo(viaJsonWriter(message));
        }
    }

    @Test
    @DisplayName("writes messages back to back into one growing buffer as a JsonWriter array does, and reads back")
    void manyMessages() throws IOException {
        // The logs response envelope itself is logging-http's (EncodedMessagesTest); this is the
        // part the buffer does: many messages, separators appended, from a small initial capacity.
        List<LogMessage> logs = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            logs.add(full("line " + i + " \u00e9\n").withId("log-" + (i + 1)));
        }
        for (List<LogMessage> list : List.of(List.<LogMessage>of(), logs.subList(0, 1), logs)) {
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            try (Writer writer = new OutputStreamWriter(expected, StandardCharsets.UTF_8)) {
                JsonWriter out = new JsonWriter(writer);
                out.beginArray();
                for (LogMessage message : list) {
                    LogJson.write(out, message);
                }
                out.endArray();
            }
            Utf8Buffer buffer = new Utf8Buffer(16).append((byte) '[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    buffer.append((byte) ',');
                }
                buffer.write(list.get(i));
            }
            buffer.append((byte) ']');
            assertThat(buffer.toByteArray()).isEqualTo(expected.toByteArray());
        }
        Utf8Buffer line = new Utf8Buffer(8).write(logs.get(3));
        assertThat(LogJson.fromJson(new String(line.toByteArray(), StandardCharsets.UTF_8))).isEqualTo(logs.get(3));
    }

    @Test
    @DisplayName("reset empties the buffer; writeTo writes exactly the content; a negative capacity is refused")
    void bufferBasics() throws IOException {
        Utf8Buffer buffer = new Utf8Buffer(4);
        buffer.write(full("one")).append((byte) '\n');
        int size = buffer.size();
        assertThat(size).isEqualTo(viaJsonWriter(full("one")).length + 1);
        buffer.reset();
        assertThat(buffer.size()).isZero();
        buffer.write(full("two"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        buffer.writeTo(out);
        assertThat(out.toByteArray()).isEqualTo(viaJsonWriter(full("two")));
        assertThatThrownBy(() -> new Utf8Buffer(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
    }
}

package io.containerlogging.core.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.containerlogging.core.LevelSource;
import io.containerlogging.core.LogFields;
import io.containerlogging.core.LogJson;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogSource;
import io.containerlogging.core.SourceType;
import io.containerlogging.core.internal.Utf8Buffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The promise sinks rely on: a {@link StoredMessage}'s JSON is exactly what encoding its decoded
 * message gives, whether the stored line was passed through or decoded and encoded again.
 */
class StoredMessageTest {

    private static final String ODD_TEXT = "tab\there \"quoted\" back\\slash \u0000 \u001f \u007f é € 😀"
            + " \u2028 \u2029 </script> & = '";

    static byte[] encode(LogMessage message) {
        return new Utf8Buffer(256).write(message).toByteArray();
    }

    static byte[] reencode(byte[] line) {
        return encode(LogJson.fromJson(new String(line, StandardCharsets.UTF_8)));
    }

    static LogMessage randomMessage(Random random, boolean withFields) {
        LogMessage.Builder builder = LogMessage.builder()
                .id("log-" + (1 + random.nextInt(Integer.MAX_VALUE)))
                .message(randomText(random, random.nextInt(80)))
                .timestamp(Instant.ofEpochSecond(Math.floorMod(random.nextLong(), 250_000_000_000L) - 62_000_000_000L,
                        random.nextInt(1_000_000_000)))
                .level(LogLevel.values()[random.nextInt(LogLevel.values().length)])
                .source(new LogSource(SourceType.values()[random.nextInt(SourceType.values().length)],
                        random.nextBoolean() ? null : randomText(random, 10)))
                .stdErr(random.nextBoolean())
                .system(random.nextBoolean());
        if (random.nextBoolean()) {
            builder.serviceId(random.nextInt(5) == 0 ? -random.nextInt(1000) : random.nextInt());
            builder.serviceName(randomText(random, 12));
        }
        if (random.nextBoolean()) {
            builder.containerId(Long.toHexString(random.nextLong()));
        }
        if (random.nextBoolean()) {
            builder.deviceId(random.nextInt(4) == 0 ? randomText(random, 8) : "edge-" + random.nextInt(100));
        }
        if (random.nextBoolean()) {
            builder.levelSource(LevelSource.values()[random.nextInt(LevelSource.values().length)]);
        }
        if (withFields) {
            builder.fields(LogFields.builder().put("n", random.nextLong()).put("s", randomText(random, 5)).build());
        }
        return builder.build();
    }

    private static String randomText(Random random, int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            int kind = random.nextInt(10);
            if (kind < 6) {
                text.append((char) (0x20 + random.nextInt(0x60)));
            } else if (kind == 6) {
                text.append((char) random.nextInt(0x20));
            } else if (kind == 7) {
                text.append(ODD_TEXT.charAt(random.nextInt(ODD_TEXT.length())));
            } else if (kind == 8) {
                text.appendCodePoint(0x80 + random.nextInt(0x10ff80));
            } else {
                text.append((char) (0xd800 + random.nextInt(0x800))); // a lone surrogate, most likely
            }
        }
        return text.toString();
    }

    @Nested
    @DisplayName("A line the encoder wrote")
    class EncoderLines {

        @Test
        @DisplayName("is passed through as it is, and decodes to the message written")
        void passedThrough() {
            Random random = new Random(1);
            for (int i = 0; i < 20_000; i++) {
                LogMessage message = randomMessage(random, false);
                byte[] line = encode(message);
                CanonicalLine.Found found = new CanonicalLine.Found();
                assertThat(CanonicalLine.scan(line, 0, line.length, found))
                        .as("canonical: %s", new String(line, StandardCharsets.UTF_8)).isTrue();
                StoredMessage stored = StoredMessage.fromStoredLine(line, 0, line.length);
                assertThat(stored.decoded()).isFalse();
                assertThat(stored.json()).isEqualTo(line);
                assertThat(stored.id()).isEqualTo(message.id());
                // lone surrogates were written as '?': compare with what the line holds
                assertThat(stored.deviceId()).isEqualTo(stored.message().deviceId());
                assertThat(message.deviceId() == null).isEqualTo(stored.deviceId() == null);
                assertThat(encode(stored.message())).isEqualTo(line);
            }
        }

        @Test
        @DisplayName("with fields is decoded and encoded again, to the same bytes")
        void withFields() {
            Random random = new Random(2);
            for (int i = 0; i < 2_000; i++) {
                LogMessage message = randomMessage(random, true);
                byte[] line = encode(message);
                StoredMessage stored = StoredMessage.fromStoredLine(line, 0, line.length);
                assertThat(stored.json()).isEqualTo(reencode(line));
                assertThat(stored.deviceId()).isEqualTo(LogJson.fromJson(new String(line, StandardCharsets.UTF_8)).deviceId());
            }
        }

        @Test
        @DisplayName("is read from within a larger buffer")
        void offset() {
            LogMessage message = LogMessage.builder().id("log-7").message("hi").timestamp(Instant.EPOCH)
                    .deviceId("pi-1").build();
            byte[] line = encode(message);
            byte[] buffer = new byte[line.length + 20];
            System.arraycopy(line, 0, buffer, 10, line.length);
            StoredMessage stored = StoredMessage.fromStoredLine(buffer, 10, line.length);
            assertThat(stored.json()).isEqualTo(line);
            assertThat(stored.sequence()).isEqualTo(7);
            assertThat(stored.deviceId()).isEqualTo("pi-1");
        }
    }

    @Nested
    @DisplayName("An untrusted line")
    class UntrustedLines {

        /**
         * Regression guard for the pass-through: whatever a damaged or hand-written line holds,
         * what a sink gets is what decoding and encoding the line gives, or the line is refused.
         */
        @Test
        @DisplayName("damaged anywhere gives the bytes decoding and encoding it gives, or is refused")
        void mutated() {
            Random random = new Random(3);
            byte[] interesting = "\"\\{}:,-0123456789eEtfnu.Z\u0000\n".getBytes(StandardCharsets.UTF_8);
            int passedThrough = 0;
            for (int i = 0; i < 40_000; i++) {
                byte[] line = encode(randomMessage(random, random.nextInt(8) == 0));
                int edits = 1 + random.nextInt(3);
                for (int e = 0; e < edits; e++) {
                    int at = random.nextInt(line.length);
                    int kind = random.nextInt(4);
                    if (kind == 0) {
                        line[at] = (byte) random.nextInt(256);
                    } else if (kind == 1) {
                        line[at] = interesting[random.nextInt(interesting.length)];
                    } else if (kind == 2 && line.length > 2) {
                        byte[] shorter = new byte[line.length - 1];
                        System.arraycopy(line, 0, shorter, 0, at);
                        System.arraycopy(line, at + 1, shorter, at, line.length - at - 1);
                        line = shorter;
                    } else {
                        byte[] longer = new byte[line.length + 1];
                        System.arraycopy(line, 0, longer, 0, at);
                        longer[at] = interesting[random.nextInt(interesting.length)];
                        System.arraycopy(line, at, longer, at + 1, line.length - at);
                        line = longer;
                    }
                }
                byte[] expected;
                try {
                    LogMessage decoded = LogJson.fromJson(new String(line, StandardCharsets.UTF_8));
                    expected = io.containerlogging.core.LogId.trySequence(decoded.id()) < 1 ? null : encode(decoded);
                } catch (IllegalArgumentException e) {
                    expected = null;
                }
                CanonicalLine.Found found = new CanonicalLine.Found();
                if (CanonicalLine.scan(line, 0, line.length, found)) {
                    passedThrough++;
                    assertThat(expected).as("passed through, so it decodes: %s", new String(line, StandardCharsets.UTF_8))
                            .isNotNull();
                    assertThat(line).as("passed through as the encoder writes it").isEqualTo(expected);
                }
                if (expected == null) {
                    byte[] refused = line;
                    assertThatThrownBy(() -> StoredMessage.fromStoredLine(refused, 0, refused.length))
                            .isInstanceOf(IllegalArgumentException.class);
                } else {
                    assertThat(StoredMessage.fromStoredLine(line, 0, line.length).json()).isEqualTo(expected);
                }
            }
            assertThat(passedThrough).as("some damage leaves a valid line, e.g. a changed letter").isGreaterThan(1000);
        }

        @Test
        @DisplayName("in an older or hand-written form is encoded in today's form")
        void otherForms() {
            String[] lines = {
                "{\"id\":\"log-3\",\"message\":\"no time field\",\"timestamp\":1000,\"level\":\"info\","
                        + "\"source\":{\"type\":\"system\",\"name\":\"system\"},\"isStdErr\":false,\"isSystem\":true}",
                "{\"message\":\"id last\",\"timestamp\":1000,\"level\":\"info\",\"source\":{\"type\":\"system\"},\"id\":\"log-4\"}",
                "{\"id\":\"log-5\", \"message\":\"space\",\"timestamp\":1000,\"level\":\"info\",\"source\":{\"type\":\"system\"}}",
                "{\"id\":\"log-6\",\"message\":\"\\u0041 escaped A \\/\",\"timestamp\":1000,\"level\":\"info\",\"source\":{\"type\":\"system\"}}",
                "{\"id\":\"log-007\",\"message\":\"leading zeros\",\"timestamp\":1000,\"level\":\"info\",\"source\":{\"type\":\"system\"}}",
            };
            for (String text : lines) {
                byte[] line = text.getBytes(StandardCharsets.UTF_8);
                CanonicalLine.Found found = new CanonicalLine.Found();
                assertThat(CanonicalLine.scan(line, 0, line.length, found)).as(text).isFalse();
                StoredMessage stored = StoredMessage.fromStoredLine(line, 0, line.length);
                assertThat(stored.json()).isEqualTo(reencode(line));
                assertThat(stored.decoded()).isTrue();
                assertThat(stored.id()).isEqualTo(LogJson.fromJson(text).id());
            }
        }

        @Test
        @DisplayName("that is not a stored message is refused")
        void refused() {
            for (String text : new String[] {"", "{}", "not json", "{\"message\":\"no id\",\"timestamp\":1,"
                    + "\"level\":\"info\",\"source\":{\"type\":\"system\"}}",
                "{\"id\":\"x-1\",\"message\":\"bad id\",\"timestamp\":1,\"level\":\"info\",\"source\":{\"type\":\"system\"}}"}) {
                byte[] line = text.getBytes(StandardCharsets.UTF_8);
                assertThatThrownBy(() -> StoredMessage.fromStoredLine(line, 0, line.length))
                        .as(text).isInstanceOf(IllegalArgumentException.class);
            }
        }
    }
}

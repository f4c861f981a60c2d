package io.containerlogging.forward.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Rfc5424Encoder")
class Rfc5424EncoderTest {

    private static final Instant T = Instant.parse("2026-12-06T10:00:00.123456Z");

    private static LogMessage.Builder web() {
        return LogMessage.builder().id("log-5").message("hello").timestamp(T).level(LogLevel.INFO)
                .source(LogSource.container("web")).serviceName("web").serviceId(3).containerId("abc")
                .deviceId("edge-7");
    }

    private static byte[] frame(Rfc5424Encoder encoder, LogMessage m) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        encoder.writeFrame(m, out);
        return out.toByteArray();
    }

    private static String message(LogMessage m) throws IOException {
        return message(new Rfc5424Encoder(1, "container-logging", 8192, false), m);
    }

    /** The syslog message of one frame, after checking that its count is its length in bytes. */
    private static String message(Rfc5424Encoder encoder, LogMessage m) throws IOException {
        List<byte[]> messages = split(frame(encoder, m));
        assertThat(messages).hasSize(1);
        return strictUtf8(messages.get(0));
    }

    /** RFC 6587 octet counting read back: fails on any frame whose count does not match. */
    static List<byte[]> split(byte[] stream) {
        List<byte[]> messages = new ArrayList<>();
        int i = 0;
        while (i < stream.length) {
            int space = i;
            while (stream[space] != ' ') {
                assertThat(stream[space]).as("digit of a count at %d", space).isBetween((byte) '0', (byte) '9');
                space++;
            }
            int length = Integer.parseInt(new String(stream, i, space - i, StandardCharsets.US_ASCII));
            assertThat(space + 1 + length).as("frame end").isLessThanOrEqualTo(stream.length);
            messages.add(Arrays.copyOfRange(stream, space + 1, space + 1 + length));
            i = space + 1 + length;
        }
        return messages;
    }

    private static String strictUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new AssertionError("not valid UTF-8", e);
        }
    }

    @Test
    @DisplayName("a container line becomes one RFC 5424 message: PRI, UTC timestamp, device, app, MSGID, structured data, line")
    void wholeMessage() throws IOException {
        assertThat(new String(frame(new Rfc5424Encoder(1, "container-logging", 8192, false), web().build()),
                StandardCharsets.UTF_8)).isEqualTo("143 <14>1 2026-12-06T10:00:00.123456Z edge-7 container-logging - log-5 "
                        + "[cl@32473 container=\"abc\" service=\"web\" serviceId=\"3\" device=\"edge-7\"] hello");
    }

    @Nested
    @DisplayName("framing")
    class Framing {
        @Test
        @DisplayName("the count is the length in bytes, whatever the line holds: newlines, control characters, emoji, a fake frame")
        void countIsBytes() throws IOException {
            Rfc5424Encoder encoder = new Rfc5424Encoder(1, "container-logging", 256 * 1024, false);
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            for (int n = 0; n < 200; n++) {
                encoder.writeFrame(HostileMessages.message(n), stream);
            }
            encoder.writeFrame(HostileMessages.message(HostileMessages.HUGE), stream);
            List<byte[]> messages = split(stream.toByteArray());
            assertThat(messages).hasSize(201);
            for (int n = 0; n < 200; n++) {
                String m = strictUtf8(messages.get(n));
                assertThat(m).contains(" log-" + (n + 1) + " ");
                String line = HostileMessages.expectedLine(n);
                assertThat(m).endsWith(line.isEmpty() ? "]" : "] " + line);
            }
        }

        @Test
        @DisplayName("lone surrogates become U+FFFD; a pair stays one code point")
        void surrogates() throws IOException {
            String m = message(web().message("a\uD800b\uDC00c\uD83D\uDE00").build());
            assertThat(m).endsWith("] a\uFFFDb\uFFFDc\uD83D\uDE00");
        }

        @Test
        @DisplayName("an empty line has no MSG and no trailing space")
        void emptyLine() throws IOException {
            assertThat(message(web().message("").build())).endsWith("device=\"edge-7\"]");
        }

        @Test
        @DisplayName("with byteOrderMark(true), MSG starts with the UTF-8 BOM")
        void byteOrderMark() throws IOException {
            String m = message(new Rfc5424Encoder(1, "container-logging", 8192, true), web().build());
            assertThat(m).endsWith("] \uFEFFhello");
        }
    }

    @Nested
    @DisplayName("header")
    class Header {
        @Test
        @DisplayName("levels map to severities error 3, warn 4, info 6, debug 7, under the facility")
        void severities() throws IOException {
            Rfc5424Encoder local0 = new Rfc5424Encoder(16, "container-logging", 8192, false);
            assertThat(message(local0, web().level(LogLevel.ERROR).build())).startsWith("<131>1 ");
            assertThat(message(local0, web().level(LogLevel.WARN).build())).startsWith("<132>1 ");
            assertThat(message(local0, web().level(LogLevel.INFO).build())).startsWith("<134>1 ");
            assertThat(message(local0, web().level(LogLevel.DEBUG).build())).startsWith("<135>1 ");
        }

        @Test
        @DisplayName("the timestamp keeps the message's precision in UTC: seconds, milliseconds, microseconds (nanoseconds cut)")
        void timestamps() throws IOException {
            assertThat(message(web().timestamp(Instant.parse("2026-01-02T03:04:05Z")).build()))
                    .startsWith("<14>1 2026-01-02T03:04:05Z ");
            assertThat(message(web().timestamp(Instant.parse("2026-01-02T03:04:05.120Z")).build()))
                    .startsWith("<14>1 2026-01-02T03:04:05.120Z ");
            assertThat(message(web().timestamp(Instant.parse("2026-01-02T03:04:05.000001Z")).build()))
                    .startsWith("<14>1 2026-01-02T03:04:05.000001Z ");
            assertThat(message(web().timestamp(Instant.parse("2026-01-02T03:04:05.123456789Z")).build()))
                    .startsWith("<14>1 2026-01-02T03:04:05.123456Z ");
            assertThat(message(web().timestamp(Instant.parse("+12026-01-02T03:04:05Z")).build()))
                    .startsWith("<14>1 - edge-7 ");
        }

        @Test
        @DisplayName("HOSTNAME is the device id in printable ASCII, '-' without one")
        void hostname() throws IOException {
            assertThat(message(web().deviceId(null).build())).startsWith("<14>1 2026-12-06T10:00:00.123456Z - container-logging ");
            assertThat(message(web().deviceId("edge 7\u00e9").build())).contains(" edge_7_ container-logging ")
                    .contains("device=\"edge 7\u00e9\"");
        }

        @Test
        @DisplayName("MSGID is the log id, '-' when it is missing or not a valid MSGID")
        void msgid() throws IOException {
            assertThat(message(web().id(null).build())).contains(" container-logging - - [cl@32473");
            assertThat(message(web().id("log-" + "9".repeat(40)).build())).contains(" container-logging - - [cl@32473");
        }
    }

    @Nested
    @DisplayName("structured data")
    class StructuredData {
        @Test
        @DisplayName("escapes '\"', '\\' and ']' in values and leaves other characters alone")
        void escapes() throws IOException {
            String m = message(web().serviceName("a]b\"c\\d [e] \u00e9\n").build());
            assertThat(m).contains(" service=\"a\\]b\\\"c\\\\d [e\\] \u00e9\n\" ");
        }

        @Test
        @DisplayName("carries stderr and a non-container source; is '-' when there is nothing to say")
        void optionalParams() throws IOException {
            assertThat(message(web().stdErr(true).build())).contains(" device=\"edge-7\" stream=\"stderr\"]");
            assertThat(message(LogMessage.system("started", LogLevel.INFO, T).withId("log-1")))
                    .isEqualTo("<14>1 2026-12-06T10:00:00.123456Z - container-logging - log-1 [cl@32473 source=\"system\"] started");
            assertThat(message(LogMessage.builder().id("log-2").message("x").timestamp(T)
                    .source(LogSource.container(null)).build()))
                    .isEqualTo("<14>1 2026-12-06T10:00:00.123456Z - container-logging - log-2 - x");
        }

        @Test
        @DisplayName("values are cut at 128 characters, never inside a surrogate pair")
        void cappedValues() throws IOException {
            String m = message(web().serviceName("s".repeat(127) + "\uD83D\uDE00" + "tail").build());
            assertThat(m).contains(" service=\"" + "s".repeat(127) + "\" ");
        }
    }

    @Nested
    @DisplayName("maximum size")
    class MaximumSize {
        @Test
        @DisplayName("a longer line is cut at a character boundary, ends in the marker, and SD carries its original size")
        void truncates() throws IOException {
            Rfc5424Encoder encoder = new Rfc5424Encoder(1, "container-logging", 4096, false);
            for (int shift = 0; shift < 4; shift++) {
                String line = "x".repeat(shift) + "\u00e9\u65e5\uD83D\uDE00".repeat(2000);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                assertThat(encoder.writeFrame(web().message(line).build(), out)).isTrue();
                byte[] message = split(out.toByteArray()).get(0);
                assertThat(message.length).isLessThanOrEqualTo(4096).isGreaterThan(4090 - 4);
                String text = strictUtf8(message);
                assertThat(text).endsWith(Rfc5424Encoder.TRUNCATION_MARKER)
                        .contains(" truncated=\"" + Rfc5424Encoder.utf8Length(line) + "\"]");
                String kept = text.substring(text.indexOf("] ") + 2, text.length() - Rfc5424Encoder.TRUNCATION_MARKER.length());
                assertThat(line).startsWith(kept);
            }
        }

        @Test
        @DisplayName("a line of exactly the maximum fits unchanged; one byte more is cut")
        void boundary() throws IOException {
            Rfc5424Encoder encoder = new Rfc5424Encoder(1, "container-logging", 4096, false);
            int headerAndSd = split(frame(encoder, web().message("").build())).get(0).length;
            String exact = "y".repeat(4096 - headerAndSd - 1);
            assertThat(encoder.writeFrame(web().message(exact).build(), new ByteArrayOutputStream())).isFalse();
            assertThat(encoder.writeFrame(web().message(exact + "y").build(), new ByteArrayOutputStream())).isTrue();
        }

        @Test
        @DisplayName("the largest header and structured data still leave room for the marker")
        void largestHeader() throws IOException {
            Rfc5424Encoder encoder = new Rfc5424Encoder(23, "a".repeat(48), Rfc5424Encoder.MIN_MESSAGE_SIZE, false);
            String huge = "\"]\\".repeat(200);
            LogMessage m = web().deviceId("d".repeat(300)).serviceName(huge).containerId(huge)
                    .deviceId(huge + "d".repeat(300)).message("z".repeat(100_000)).stdErr(true)
                    .source(LogSource.MANAGER).build();
            byte[] message = split(frame(encoder, m)).get(0);
            assertThat(message.length).isLessThanOrEqualTo(Rfc5424Encoder.MIN_MESSAGE_SIZE);
            assertThat(strictUtf8(message)).endsWith("z" + Rfc5424Encoder.TRUNCATION_MARKER);
        }
    }
}

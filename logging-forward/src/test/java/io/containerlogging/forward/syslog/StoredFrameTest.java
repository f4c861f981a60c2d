package io.containerlogging.forward.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import io.containerlogging.core.LevelSource;
import io.containerlogging.core.LogFields;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogSource;
import io.containerlogging.core.SourceType;
import io.containerlogging.core.forward.CanonicalSpans;
import io.containerlogging.core.forward.StoredMessage;
import io.containerlogging.core.internal.Utf8Buffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link Rfc5424Encoder#appendStoredFrame} (from the stored bytes) against
 * {@link Rfc5424Encoder#appendFrame(LogMessage, Rfc5424Encoder.Bytes)} of the decoded message
 * (what the forwarder sent before): random messages made to hit every escape, cap and cut.
 */
@DisplayName("A frame encoded from a stored line's bytes")
class StoredFrameTest {

    private static final int MESSAGES = 40_000;

    /** Pieces of text: each escape gson writes, SD's specials, UTF-8 of 1–4 bytes, lone surrogates. */
    private static final String[] PIECES = {
        "a", "Zz9", " ", "\"", "\\", "]", "[", "=", "\n", "\r\n", "\t", "\b", "\f", "\u0000", "\u0001", "\u001b[31m",
        "\u001f", "\u007f", "\u0080", "\u00e9", "\u07ff", "\u0800", "\u65e5", "\u2028", "\u2029", "\ufeff", "\uffff",
        "\uD83D\uDE00", "\uDBFF\uDFFF", "\uD800", "\uDC00", "<34>1", "/", "'", "<", "&", "}", "{\"a\":1}",
        "plain text of a log line ",
    };

    @Test
    @DisplayName("is byte for byte the frame of the decoded message, for every kind of message")
    void sameBytesAsTheDecodedPath() {
        Rfc5424Encoder[] encoders = {
            new Rfc5424Encoder(1, "container-logging", 8192, false),
            new Rfc5424Encoder(16, "app", Rfc5424Encoder.MIN_MESSAGE_SIZE, true),
        };
        Rfc5424Encoder[] references = {
            new Rfc5424Encoder(1, "container-logging", 8192, false),
            new Rfc5424Encoder(16, "app", Rfc5424Encoder.MIN_MESSAGE_SIZE, true),
        };
        SplittableRandom random = new SplittableRandom(20261206);
        int canonical = 0;
        int truncated = 0;
        for (int n = 0; n < MESSAGES; n++) {
            LogMessage written = message(random, n);
            byte[] line = new Utf8Buffer(256).write(written).toByteArray();
            StoredMessage stored = StoredMessage.fromStoredLine(line, 0, line.length);
            int e = n % encoders.length;
            Rfc5424Encoder.Bytes expected = new Rfc5424Encoder.Bytes(64);
            boolean expectedCut = references[e].appendFrame(stored.message(), expected);
            // Both ways from the bytes: walking the line, and from where its check found the fields.
            Rfc5424Encoder.Bytes walked = new Rfc5424Encoder.Bytes(64);
            Boolean cut = stored.readCanonicalJson(
                    (json, offset, length) -> encoders[e].appendStoredFrame(json, offset, length, walked));
            Rfc5424Encoder.Bytes fromSpans = new Rfc5424Encoder.Bytes(64);
            Boolean spansCut = stored.readCanonicalJson(spansReader(encoders[e], fromSpans));
            if (cut == null) {
                assertThat(spansCut).isNull();
                continue; // not canonical (fields, a time beyond four-digit years): the sink decodes it
            }
            canonical++;
            truncated += cut ? 1 : 0;
            assertThat(cut).as("truncated, message %d: %s", n, stored).isEqualTo(expectedCut);
            assertThat(spansCut).as("truncated from spans, message %d: %s", n, stored).isEqualTo(expectedCut);
            assertSameFrame(expected, walked, n, stored);
            assertSameFrame(expected, fromSpans, n, stored);
        }
        // the comparisons above covered the hard cases, not only the easy ones
        assertThat(canonical).isGreaterThan(MESSAGES * 3 / 4);
        assertThat(truncated).isGreaterThan(MESSAGES / 50);
    }

    private static void assertSameFrame(Rfc5424Encoder.Bytes expected, Rfc5424Encoder.Bytes actual, int n,
            StoredMessage stored) {
        byte[] want = Arrays.copyOf(expected.bytes, expected.size);
        byte[] got = Arrays.copyOf(actual.bytes, actual.size);
        if (!Arrays.equals(want, got)) {
            assertThat(new String(got, StandardCharsets.UTF_8)).as("message %d: %s", n, stored)
                    .isEqualTo(new String(want, StandardCharsets.UTF_8));
            assertThat(got).as("message %d: %s", n, stored).isEqualTo(want);
        }
    }

    /** Reads a canonical line as the sink does: from the spans its check found. */
    private static StoredMessage.CanonicalJsonReader<Boolean> spansReader(Rfc5424Encoder encoder,
            Rfc5424Encoder.Bytes out) {
        return new StoredMessage.CanonicalJsonReader<>() {
            @Override
            public Boolean read(byte[] json, int offset, int length) {
                throw new AssertionError("a canonical line comes with its spans");
            }

            @Override
            public Boolean read(byte[] json, int offset, int length, CanonicalSpans spans) {
                return encoder.appendStoredFrame(json, offset, spans, out);
            }
        };
    }

    @Test
    @DisplayName("from a damaged line: refused, or decoded by the sink, or (still canonical) the decoded message's frame")
    void damagedLinesReachTheFallback() {
        // Lines in no form the encoder writes (malformed, truncated, escapes gson never writes)
        // must never become a frame from their bytes: either the reader refuses them (skipped and
        // counted) or they are not canonical and the sink encodes the decoded message. A damage
        // that leaves the line canonical (a changed letter) must still give the decoded frame.
        Rfc5424Encoder encoder = new Rfc5424Encoder(1, "container-logging", 8192, false);
        Rfc5424Encoder reference = new Rfc5424Encoder(1, "container-logging", 8192, false);
        SplittableRandom random = new SplittableRandom(20261207);
        int refused = 0;
        int decoded = 0;
        int stillCanonical = 0;
        for (int n = 0; n < MESSAGES; n++) {
            LogMessage written = message(random, n);
            byte[] line = damage(random, new Utf8Buffer(256).write(written).toByteArray());
            StoredMessage stored;
            try {
                stored = StoredMessage.fromStoredLine(line, 0, line.length);
            } catch (IllegalArgumentException e) {
                refused++;
                continue;
            }
            Rfc5424Encoder.Bytes expected = new Rfc5424Encoder.Bytes(64);
            boolean expectedCut = reference.appendFrame(stored.message(), expected);
            Rfc5424Encoder.Bytes fromSpans = new Rfc5424Encoder.Bytes(64);
            Boolean cut = stored.readCanonicalJson(spansReader(encoder, fromSpans));
            if (cut == null) {
                decoded++; // the sink encodes the decoded message: the expected frame
                assertThat(fromSpans.size).isZero();
                continue;
            }
            stillCanonical++;
            assertThat(cut).isEqualTo(expectedCut);
            assertSameFrame(expected, fromSpans, n, stored);
        }
        assertThat(refused).isGreaterThan(MESSAGES / 10);
        assertThat(decoded).isGreaterThan(MESSAGES / 20);
        assertThat(stillCanonical).isGreaterThan(MESSAGES / 20);
    }

    /** Escapes gson never writes, each standing for a char gson writes raw or escapes otherwise. */
    private static final String[] FOREIGN_ESCAPES = {
        "\\u0041", "\\/", "\\u00E9", "\\u00e9", "\\uD83D\\uDE00", "\\ud800", "\\u000a", "\\u0022", "\\x41", "\\",
        "\\u12", "\\U0041",
    };

    /** One damage: a cut, a changed byte, an inserted foreign escape, or a dropped quote. */
    private static byte[] damage(SplittableRandom random, byte[] line) {
        int at = 1 + random.nextInt(line.length - 1);
        switch (random.nextInt(5)) {
            case 0:
                return Arrays.copyOf(line, at); // truncated
            case 1: {
                byte[] changed = line.clone();
                changed[at] = (byte) random.nextInt(256);
                return changed;
            }
            case 2: {
                byte[] changed = line.clone();
                changed[at] = (byte) ('a' + random.nextInt(26)); // often inside a string: still canonical
                return changed;
            }
            case 3: {
                // a foreign escape inside the text, where the decoder accepts it
                String text = new String(line, StandardCharsets.UTF_8);
                int message = text.indexOf("\"message\":\"") + 11;
                String escape = FOREIGN_ESCAPES[random.nextInt(FOREIGN_ESCAPES.length)];
                return (text.substring(0, message) + escape + text.substring(message)).getBytes(StandardCharsets.UTF_8);
            }
            default: {
                int quote = indexOf(line, (byte) '"', at);
                if (quote < 0) {
                    return Arrays.copyOf(line, at);
                }
                byte[] dropped = new byte[line.length - 1];
                System.arraycopy(line, 0, dropped, 0, quote);
                System.arraycopy(line, quote + 1, dropped, quote, line.length - quote - 1);
                return dropped;
            }
        }
    }

    private static int indexOf(byte[] line, byte b, int from) {
        for (int i = from; i < line.length; i++) {
            if (line[i] == b) {
                return i;
            }
        }
        return -1;
    }

    @Test
    @DisplayName("is not made from a line in another form: the sink decodes that one")
    void otherFormsAreLeftToTheDecoder() {
        LogMessage withFields = LogMessage.builder().id("log-1").message("m").timestamp(Instant.EPOCH)
                .level(LogLevel.INFO).source(LogSource.SYSTEM).fields(LogFields.builder().put("a", 1).build()).build();
        byte[] line = new Utf8Buffer(64).write(withFields).toByteArray();
        StoredMessage.CanonicalJsonReader<Boolean> any = (json, offset, length) -> true;
        assertThat(StoredMessage.fromStoredLine(line, 0, line.length).readCanonicalJson(any)).isNull();
        byte[] spaced = "{\"id\": \"log-1\",\"message\":\"m\",\"timestamp\":0,\"level\":\"info\",\"source\":{\"type\":\"system\"}}"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(StoredMessage.fromStoredLine(spaced, 0, spaced.length).readCanonicalJson(any)).isNull();
        Rfc5424Encoder encoder = new Rfc5424Encoder(1, "container-logging", 8192, false);
        Rfc5424Encoder.Bytes out = new Rfc5424Encoder.Bytes(64);
        assertThat(encoder.appendStoredFrame(spaced, 0, spaced.length, out)).isNull();
        assertThat(out.size).isZero();
    }

    private static LogMessage message(SplittableRandom random, int n) {
        LogLevel level = LogLevel.values()[random.nextInt(4)];
        String service = random.nextInt(4) == 0 ? null : text(random, 1 + random.nextInt(random.nextInt(8) == 0 ? 200 : 12));
        LogSource source;
        switch (random.nextInt(4)) {
            case 0:
                source = LogSource.SYSTEM;
                break;
            case 1:
                source = new LogSource(SourceType.MANAGER, text(random, 1 + random.nextInt(10)));
                break;
            default:
                source = LogSource.container(service == null ? "svc" : service);
        }
        LogMessage.Builder b = LogMessage.builder()
                .id("log-" + (random.nextInt(3) == 0 ? 1 + random.nextLong(999_999_999_999_999_999L) : n + 1))
                .message(text(random, textLength(random)))
                .timestamp(timestamp(random))
                .level(level)
                .source(source)
                .serviceId(random.nextInt(3) == 0 ? null : random.nextInt(5) == 0 ? Integer.MIN_VALUE + random.nextInt(3)
                        : random.nextInt(-5, 1000))
                .serviceName(service)
                .containerId(random.nextInt(4) == 0 ? null : random.nextInt(10) == 0 ? "" : text(random, random.nextInt(140)))
                .deviceId(random.nextInt(4) == 0 ? null : random.nextInt(10) == 0 ? "" : text(random, random.nextInt(
                        random.nextInt(6) == 0 ? 300 : 20)))
                .stdErr(random.nextBoolean())
                .system(random.nextInt(5) == 0);
        if (random.nextInt(3) == 0) {
            b.levelSource(LevelSource.values()[random.nextInt(LevelSource.values().length)]);
        }
        if (random.nextInt(20) == 0) {
            b.fields(LogFields.builder().put("k", text(random, 5)).put("n", random.nextInt(100)).build());
        }
        return b.build();
    }

    /** Mostly short; sometimes around the limits of both encoders, counted in chars or in bytes. */
    private static int textLength(SplittableRandom random) {
        switch (random.nextInt(12)) {
            case 0:
                return 0;
            case 1:
                return 1300 + random.nextInt(1500); // 3-byte chars: bytes beyond 4096 before chars are
            case 2:
                return 3950 + random.nextInt(300);
            case 3:
                return 8000 + random.nextInt(400);
            case 4:
                return 9000 + random.nextInt(20_000);
            default:
                return random.nextInt(120);
        }
    }

    /** About {@code chars} chars, of random pieces, or mostly one kind for long texts. */
    private static String text(SplittableRandom random, int chars) {
        StringBuilder s = new StringBuilder(chars + 30);
        String[] pieces = PIECES;
        if (chars > 500 && random.nextBoolean()) {
            // a long run of one or two kinds, so the cut falls on a sequence of that width
            pieces = new String[] {PIECES[random.nextInt(PIECES.length)], PIECES[random.nextInt(PIECES.length)], "x"};
        }
        while (s.length() < chars) {
            if (random.nextInt(3) == 0) {
                s.append((char) (' ' + random.nextInt(95))); // printable ASCII
            } else if (random.nextInt(40) == 0) {
                s.append((char) random.nextInt(0x10000)); // any char, lone surrogates included
            } else {
                s.append(pieces[random.nextInt(pieces.length)]);
            }
        }
        return s.length() > chars && random.nextBoolean() ? s.substring(0, chars) : s.toString();
    }

    /** Any second of years 0000–9999 (and a few beyond) at second, milli, micro or nano precision. */
    private static Instant timestamp(SplittableRandom random) {
        long second;
        switch (random.nextInt(10)) {
            case 0:
                second = random.nextLong(-62_167_219_200L, 253_402_300_800L); // 0000-01-01 to 9999-12-31
                break;
            case 1:
                second = random.nextBoolean() ? -62_167_219_200L - random.nextInt(1000) : 253_402_300_799L + random.nextInt(1000);
                break;
            case 2:
                second = random.nextBoolean() ? -62_167_219_200L : 253_402_300_799L;
                break;
            default:
                second = 1_796_000_000L + random.nextInt(100_000);
        }
        int nanos;
        switch (random.nextInt(5)) {
            case 0:
                nanos = 0;
                break;
            case 1:
                nanos = random.nextInt(1000) * 1_000_000;
                break;
            case 2:
                nanos = random.nextInt(1_000_000) * 1000;
                break;
            default:
                nanos = random.nextInt(1_000_000_000);
        }
        return Instant.ofEpochSecond(second, nanos);
    }
}

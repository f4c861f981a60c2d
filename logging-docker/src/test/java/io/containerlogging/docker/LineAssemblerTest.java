package io.containerlogging.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("LineAssembler turns Docker log bytes back into lines")
class LineAssemblerTest {

    static final Instant FALLBACK = Instant.parse("2000-01-01T00:00:00Z");
    static final String T1 = "2026-11-24T09:00:00.123456789Z";
    static final String T2 = "2026-11-24T09:00:00.123456790Z";
    static final String T3 = "2026-11-24T09:00:01.000000001Z";

    record Line(Instant timestamp, boolean stdErr, String text) {
    }

    final List<Line> lines = new ArrayList<>();
    final LineAssembler assembler = assembler(LineAssembler.DOCKER_PIECE_SIZE * 8);

    LineAssembler assembler(int maxLineLength) {
        return new LineAssembler(maxLineLength, Clock.fixed(FALLBACK, ZoneOffset.UTC),
                (timestamp, stdErr, text) -> lines.add(new Line(timestamp, stdErr, text)));
    }

    static byte[] entry(String timestamp, String content) {
        return (timestamp + " " + content).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** Feeds {@code bytes} in chunks of {@code chunk} through one buffer that is scribbled over after each call. */
    static void feed(LineAssembler assembler, boolean stdErr, byte[] bytes, int chunk) {
        byte[] reused = new byte[chunk];
        for (int offset = 0; offset < bytes.length; offset += chunk) {
            int length = Math.min(chunk, bytes.length - offset);
            System.arraycopy(bytes, offset, reused, 0, length);
            assembler.accept(stdErr, reused, 0, length);
            Arrays.fill(reused, (byte) 'X'); // a reader reuses its buffer: nothing may be kept by reference
        }
    }

    @Nested
    @DisplayName("without timestamps (the attach API)")
    class Untimestamped {
        final java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong();
        final Clock ticking = new Clock() {
            @Override
            public Instant instant() {
                return FALLBACK.plusNanos(nanos.incrementAndGet());
            }

            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }
        };

        LineAssembler plain() {
            return new LineAssembler(1 << 20, false, ticking,
                    (timestamp, stdErr, text) -> lines.add(new Line(timestamp, stdErr, text)));
        }

        @Test
        @DisplayName("frames are writes, not entries: a line spanning frames is one line; time of its first byte")
        void framesAreNotEntries() {
            LineAssembler plain = plain();
            byte[] first = "hello\npart".getBytes(StandardCharsets.UTF_8);
            plain.accept(false, first, 0, first.length);
            plain.endOfEntry(false);
            byte[] second = "ial\n\nlast".getBytes(StandardCharsets.UTF_8);
            plain.accept(false, second, 0, second.length);
            plain.endOfEntry(false);
            byte[] err = "2026-11-24T09:00:00Z looks like a stamp\n".getBytes(StandardCharsets.UTF_8);
            plain.accept(true, err, 0, err.length);
            plain.finish();
            assertThat(lines).extracting(Line::text, Line::stdErr).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("hello", false),
                    org.assertj.core.groups.Tuple.tuple("partial", false),
                    org.assertj.core.groups.Tuple.tuple("", false),
                    org.assertj.core.groups.Tuple.tuple("2026-11-24T09:00:00Z looks like a stamp", true),
                    org.assertj.core.groups.Tuple.tuple("last", false));
            assertThat(lines.get(1).timestamp()).as("partial: stamped when 'part' arrived")
                    .isEqualTo(FALLBACK.plusNanos(2));
            assertThat(plain.badTimestamps()).isZero();
        }

        @Test
        @DisplayName("the same lines wherever the bytes are split")
        void anySplit() {
            byte[] bytes = "one\ntwo two\r\nthree ünï\n".getBytes(StandardCharsets.UTF_8);
            for (int chunk = 1; chunk <= bytes.length; chunk++) {
                lines.clear();
                feed(plain(), false, bytes, chunk);
                assertThat(lines).as("chunk %d", chunk).extracting(Line::text).containsExactly("one", "two two", "three ünï");
            }
        }
    }

    @Nested
    @DisplayName("splitting and buffers")
    class Splitting {
        @Test
        @DisplayName("lines come out the same wherever the bytes are split, with a reused buffer")
        void anySplit() {
            byte[] bytes = concat(entry(T1, "first line\n"), entry(T2, "\n"), entry(T3, "third ünïcode line\n"));
            for (int chunk = 1; chunk <= bytes.length; chunk++) {
                lines.clear();
                LineAssembler fresh = assembler(1 << 20);
                feed(fresh, false, bytes, chunk);
                assertThat(lines).as("chunk size %d", chunk).containsExactly(
                        new Line(Instant.parse(T1), false, "first line"),
                        new Line(Instant.parse(T2), false, ""),
                        new Line(Instant.parse(T3), false, "third ünïcode line"));
            }
        }

        @Test
        @DisplayName("a split at every single position of a two-stream interleaving keeps streams apart")
        void streamsApart() {
            byte[] out = entry(T1, "to stdout\n");
            byte[] err = entry(T2, "to stderr\n");
            for (int split = 1; split < out.length; split++) {
                lines.clear();
                LineAssembler fresh = assembler(1 << 20);
                fresh.accept(false, out, 0, split);
                fresh.accept(true, err, 0, err.length);
                fresh.accept(false, out, split, out.length - split);
                assertThat(lines).containsExactly(
                        new Line(Instant.parse(T2), true, "to stderr"),
                        new Line(Instant.parse(T1), false, "to stdout"));
            }
        }

        @Test
        @DisplayName("the timestamp keeps all nine fraction digits")
        void fullPrecision() {
            feed(assembler, false, entry(T1, "x\n"), 7);
            assertThat(lines.get(0).timestamp().getNano()).isEqualTo(123_456_789);
        }
    }

    @Nested
    @DisplayName("line endings and TTY")
    class Endings {
        @Test
        @DisplayName("CRLF loses both characters; a lone CR inside the line stays")
        void crlf() {
            feed(assembler, false, concat(entry(T1, "windows\r\n"), entry(T2, "a\rb\n")), 3);
            assertThat(lines).extracting(Line::text).containsExactly("windows", "a\rb");
        }

        @Test
        @DisplayName("TTY output (one RAW stream, \\r\\n, first byte alone) becomes stdout lines")
        void tty() {
            byte[] bytes = concat(entry(T1, "prompt$ ls\r\n"), entry(T2, "file\r\n"));
            assembler.accept(false, bytes, 0, 1);
            feed(assembler, false, Arrays.copyOfRange(bytes, 1, bytes.length), 1024);
            assertThat(lines).containsExactly(
                    new Line(Instant.parse(T1), false, "prompt$ ls"),
                    new Line(Instant.parse(T2), false, "file"));
        }
    }

    @Nested
    @DisplayName("partial and unterminated lines")
    class Partial {
        @Test
        @DisplayName("an unterminated entry is delivered when its frame ends")
        void endOfEntry() {
            feed(assembler, true, entry(T1, "no newline"), 4);
            assertThat(lines).isEmpty();
            assembler.endOfEntry(true);
            feed(assembler, true, entry(T2, "next\n"), 4);
            assertThat(lines).containsExactly(
                    new Line(Instant.parse(T1), true, "no newline"),
                    new Line(Instant.parse(T2), true, "next"));
        }

        @Test
        @DisplayName("the last line of a stream without newline is delivered at the end")
        void finish() {
            feed(assembler, false, concat(entry(T1, "done\n"), entry(T2, "last words")), 5);
            assembler.finish();
            assertThat(lines).extracting(Line::text).containsExactly("done", "last words");
        }

        @Test
        @DisplayName("a stream that broke mid-entry leaves nothing half-delivered")
        void discard() {
            feed(assembler, false, entry(T1, "half a li"), 3);
            assembler.discardPending();
            assembler.finish();
            feed(assembler, false, entry(T2, "whole\n"), 3);
            assertThat(lines).extracting(Line::text).containsExactly("whole");
        }
    }

    @Nested
    @DisplayName("dockerd's 16 KiB pieces")
    class Pieces {
        String longLine(int length) {
            StringBuilder text = new StringBuilder(length);
            for (int i = 0; text.length() < length; i++) {
                text.append(i % 10);
            }
            return text.substring(0, length);
        }

        /** The line as dockerd stores it: full 16 KiB pieces, then the rest with the newline, each with its own timestamp. */
        byte[] asPieces(String line, String... timestamps) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int piece = LineAssembler.DOCKER_PIECE_SIZE;
            int i = 0;
            int start = 0;
            for (; line.length() - start >= piece; start += piece) {
                out.writeBytes(entry(timestamps[i++], line.substring(start, start + piece)));
            }
            out.writeBytes(entry(timestamps[i], line.substring(start) + "\n"));
            return out.toByteArray();
        }

        @Test
        @DisplayName("a 40000-byte line arrives whole, with the first piece's time and no embedded timestamps")
        void rejoined() {
            String line = longLine(40_000);
            byte[] bytes = concat(asPieces(line, T1, T2, T3), entry(T3, "after\n"));
            for (int chunk : new int[] {1024, 1000, 16_415, 7}) {
                lines.clear();
                LineAssembler fresh = assembler(1 << 20);
                feed(fresh, false, bytes, chunk);
                assertThat(lines).as("chunk %d", chunk).hasSize(2);
                assertThat(lines.get(0).text()).isEqualTo(line);
                assertThat(lines.get(0).timestamp()).isEqualTo(Instant.parse(T1));
                assertThat(lines.get(1).text()).isEqualTo("after");
            }
        }

        @Test
        @DisplayName("a line of exactly 16 KiB (piece + empty entry, or newline right after) is one line")
        void exactlyOnePiece() {
            String line = longLine(LineAssembler.DOCKER_PIECE_SIZE);
            feed(assembler, false, concat(entry(T1, line), entry(T2, "\n")), 1024);
            feed(assembler, false, concat(entry(T3, line), "\n".getBytes(StandardCharsets.UTF_8)), 1024);
            assertThat(lines).extracting(Line::text).containsExactly(line, line);
            assertThat(lines).extracting(Line::timestamp).containsExactly(Instant.parse(T1), Instant.parse(T3));
        }

        @Test
        @DisplayName("a frame ending on a 16 KiB piece does not end the line")
        void pieceFrames() {
            String line = longLine(20_000);
            byte[] first = entry(T1, line.substring(0, LineAssembler.DOCKER_PIECE_SIZE));
            byte[] second = entry(T2, line.substring(LineAssembler.DOCKER_PIECE_SIZE) + "\n");
            feed(assembler, true, first, 1024);
            assembler.endOfEntry(true);
            feed(assembler, true, second, 1024);
            assembler.endOfEntry(true);
            assertThat(lines).containsExactly(new Line(Instant.parse(T1), true, line));
        }

        @Test
        @DisplayName("beyond the maximum a line is truncated, marked, and not buffered; the next line is intact")
        void truncated() {
            LineAssembler small = assembler(100);
            String line = longLine(40_000);
            feed(small, false, concat(asPieces(line, T1, T2, T3), entry(T3, "next\n")), 1024);
            assertThat(lines).hasSize(2);
            assertThat(lines.get(0).text()).isEqualTo(line.substring(0, 100) + " [truncated 39900 bytes]");
            assertThat(lines.get(1).text()).isEqualTo("next");
            assertThat(small.truncatedLines()).isEqualTo(1);
        }

        @Test
        @DisplayName("truncation never cuts a UTF-8 character in two")
        void truncatedUtf8() {
            LineAssembler small = assembler(4);
            feed(small, false, entry(T1, "abcé and more\n"), 3); // é is 2 bytes at offsets 3..4
            assertThat(lines.get(0).text()).isEqualTo("abc [truncated 11 bytes]");
        }
    }

    @Nested
    @DisplayName("bad input")
    class BadInput {
        @Test
        @DisplayName("invalid UTF-8 is replaced, not thrown, and the line survives")
        void invalidUtf8() {
            byte[] bytes = concat(entry(T1, "ok "), new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF},
                    " end\n".getBytes(StandardCharsets.UTF_8));
            feed(assembler, false, bytes, 2);
            assertThat(lines).hasSize(1);
            assertThat(lines.get(0).text()).startsWith("ok ").endsWith(" end").contains("\uFFFD");
        }

        @Test
        @DisplayName("an entry without a parseable timestamp keeps its text and gets the clock's time")
        void badTimestamp() {
            feed(assembler, false, "garbage here\n".getBytes(StandardCharsets.UTF_8), 3);
            assertThat(lines).containsExactly(new Line(FALLBACK, false, "here"));
            assertThat(assembler.badTimestamps()).isEqualTo(1);
        }

        @Test
        @DisplayName("a token too long to be a timestamp is kept as text")
        void noTimestampAtAll() {
            String text = "x".repeat(60);
            feed(assembler, false, (text + "\n").getBytes(StandardCharsets.UTF_8), 16);
            assertThat(lines).containsExactly(new Line(FALLBACK, false, text));
        }
    }
}

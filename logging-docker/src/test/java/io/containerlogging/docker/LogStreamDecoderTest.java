package io.containerlogging.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("LogStreamDecoder demultiplexes Docker's log stream")
class LogStreamDecoderTest {

    static final String T1 = "2026-11-24T09:00:00.000000001Z";
    static final String T2 = "2026-11-24T09:00:00.000000002Z";

    final List<String> lines = new ArrayList<>();
    final LineAssembler assembler = new LineAssembler(1 << 20, Clock.systemUTC(),
            (timestamp, stdErr, text) -> lines.add((stdErr ? "err:" : "out:") + text));

    static byte[] frame(int stream, String payload) {
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(stream);
        out.write(0);
        out.write(0);
        out.write(0);
        out.write(bytes.length >>> 24);
        out.write(bytes.length >>> 16);
        out.write(bytes.length >>> 8);
        out.write(bytes.length);
        out.writeBytes(bytes);
        return out.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Arrays.stream(parts).forEach(out::writeBytes);
        return out.toByteArray();
    }

    /** Returns at most one byte per read: headers and payloads split everywhere. */
    static InputStream trickle(byte[] bytes) {
        return new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1));
            }
        };
    }

    @Test
    @DisplayName("stdout and stderr frames become lines of their stream, even read a byte at a time")
    void multiplexed() throws IOException {
        byte[] body = concat(frame(1, T1 + " out line\n"), frame(2, T2 + " err line\n"),
                frame(1, T2 + " printf without newline"), frame(2, T2 + " last"));
        new LogStreamDecoder(false, assembler).readAll(trickle(body));
        assertThat(lines).containsExactly("out:out line", "err:err line", "out:printf without newline", "err:last");
    }

    @Test
    @DisplayName("a TTY stream is raw bytes, all stdout, its final unterminated line flushed at the end")
    void tty() throws IOException {
        byte[] body = (T1 + " hello\r\n" + T2 + " bye").getBytes(StandardCharsets.UTF_8);
        new LogStreamDecoder(true, assembler).readAll(trickle(body));
        assertThat(lines).containsExactly("out:hello", "out:bye");
    }

    @Test
    @DisplayName("a stream that fails mid-frame delivers the complete lines, drops the torn one, and reports the failure")
    void failsMidFrame() {
        byte[] good = frame(1, T1 + " complete\n");
        byte[] torn = Arrays.copyOf(frame(1, T2 + " torn line\n"), 20);
        InputStream body = new InputStream() {
            final InputStream data = new ByteArrayInputStream(concat(good, torn));

            @Override
            public int read() throws IOException {
                int b = data.read();
                if (b < 0) {
                    throw new IOException("connection reset");
                }
                return b;
            }
        };
        assertThatThrownBy(() -> new LogStreamDecoder(false, assembler).readAll(body))
                .isInstanceOf(IOException.class).hasMessage("connection reset");
        assertThat(lines).containsExactly("out:complete");
    }

    @Test
    @DisplayName("a stream that ends inside a frame is an error, not a silently cut line")
    void endsInsideFrame() {
        byte[] torn = Arrays.copyOf(frame(2, T1 + " cut\n"), 12);
        assertThatThrownBy(() -> new LogStreamDecoder(false, assembler).readAll(new ByteArrayInputStream(torn)))
                .isInstanceOf(EOFException.class);
        assertThat(lines).isEmpty();
    }
}

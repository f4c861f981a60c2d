package io.containerlogging.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("GrowingFileLines: complete lines only, split as bytes")
class GrowingFileLinesTest {

    /** Hands out {@code data} up to {@code available} bytes, at most {@code chunk} per read: a file growing. */
    private static final class Growing implements ReadableByteChannel {
        final byte[] data;
        final int chunk;
        int position;
        int available;

        Growing(byte[] data, int chunk) {
            this.data = data;
            this.chunk = chunk;
        }

        @Override
        public int read(ByteBuffer dst) {
            int n = Math.min(Math.min(chunk, dst.remaining()), available - position);
            dst.put(data, position, n);
            position += n;
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    @Test
    @DisplayName("the same lines whatever the read sizes and wherever the file stops growing;"
            + " CRLF, empty lines, a long line, a newline at every position of an 8-byte word")
    void everySplit() throws IOException {
        StringBuilder text = new StringBuilder();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String line = "x".repeat(i % 17) + "é€" + i;
            expected.add(line);
            text.append(line).append(i % 5 == 0 ? "\r\n" : "\n");
        }
        expected.add("");
        text.append('\n');
        expected.add("y".repeat(300));
        text.append("y".repeat(300)).append('\n');
        expected.add("last");
        text.append("last\n");
        text.append("torn without newline");
        byte[] data = text.toString().getBytes(StandardCharsets.UTF_8);
        for (int chunk : new int[] {1, 3, 7, 8, 9, 64, 4096}) {
            for (int stop = 0; stop <= data.length; stop += 37) {
                Growing channel = new Growing(data, chunk);
                GrowingFileLines lines = new GrowingFileLines(channel, 1024 * 1024);
                List<String> got = new ArrayList<>();
                channel.available = stop;
                drain(lines, got);
                channel.available = data.length; // the rest is written
                drain(lines, got);
                assertThat(got).as("chunk %d, stopped at %d", chunk, stop).containsExactlyElementsOf(expected);
                assertThat(lines.partial()).isTrue();
            }
        }
    }

    private static void drain(GrowingFileLines lines, List<String> got) throws IOException {
        String line;
        while ((line = lines.next()) != null) {
            got.add(line);
        }
    }
}

package io.containerlogging.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ResponseBodyTest {

    /** Counts the writes, as the JDK server makes each one a socket write. */
    private static final class CountingStream extends OutputStream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int writes;

        @Override
        public void write(int b) {
            writes++;
            bytes.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            writes++;
            bytes.write(b, off, len);
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    @DisplayName("joins head, comma-separated items and tail, the same way when sent and when copied")
    void joined() throws IOException {
        ResponseBody body = ResponseBody.joined(ascii("["), List.of(ascii("1"), ascii("22"), ascii("333")), ascii("]"));
        assertThat(new String(body.toByteArray(), StandardCharsets.US_ASCII)).isEqualTo("[1,22,333]");
        assertThat(body.length()).isEqualTo(10);
        CountingStream out = new CountingStream();
        body.writeTo(out);
        assertThat(out.bytes.toByteArray()).isEqualTo(body.toByteArray());
        assertThat(out.writes).as("one socket write, not one per piece").isEqualTo(1);
        assertThat(ResponseBody.joined(ascii("{"), List.of(), ascii("}")).toByteArray()).isEqualTo(ascii("{}"));
        assertThat(ResponseBody.EMPTY.length()).isZero();
    }

    @Test
    @DisplayName("a body larger than the send buffer is sent whole, in buffer-sized writes, whatever falls on the buffer's edge")
    void largerThanScratch() throws IOException {
        Random random = new Random(20);
        for (int round = 0; round < 50; round++) {
            List<byte[]> items = new ArrayList<>();
            int total = 0;
            while (total < 3 * ResponseBody.SEND_BUFFER_BYTES + random.nextInt(ResponseBody.SEND_BUFFER_BYTES)) {
                // Sizes from empty to more than the buffer, so that item ends, commas and the
                // tail each land on the buffer's edge in some round.
                byte[] item = new byte[random.nextInt(10) == 0 ? random.nextInt(2 * ResponseBody.SEND_BUFFER_BYTES)
                        : random.nextInt(600)];
                random.nextBytes(item);
                items.add(item);
                total += item.length + 1;
            }
            ResponseBody body = ResponseBody.joined(new byte[random.nextInt(40)], items, ascii("]}"));
            CountingStream out = new CountingStream();
            body.writeTo(out);
            byte[] expected = body.toByteArray();
            assertThat(expected).hasSize(body.length());
            assertThat(out.bytes.toByteArray()).isEqualTo(expected);
            assertThat(out.writes).isEqualTo((body.length() + ResponseBody.SEND_BUFFER_BYTES - 1) / ResponseBody.SEND_BUFFER_BYTES);
        }
    }

    @Test
    @Timeout(60)
    @DisplayName("bodies sent at once on more threads than there are pooled send buffers never mix")
    void concurrentSenders() throws Exception {
        int threads = 3 * ResponseBody.POOLED;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> senders = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                byte fill = (byte) ('a' + t % 26);
                senders.add(pool.submit(() -> {
                    byte[] item = new byte[5000 + fill];
                    Arrays.fill(item, fill);
                    ResponseBody body = ResponseBody.joined(ascii("["), java.util.Collections.nCopies(30, item), ascii("]"));
                    byte[] expected = body.toByteArray();
                    for (int i = 0; i < 200; i++) {
                        CountingStream out = new CountingStream();
                        body.writeTo(out);
                        assertThat(out.bytes.toByteArray()).isEqualTo(expected);
                    }
                    return null;
                }));
            }
            for (Future<?> sender : senders) {
                sender.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("a body of one piece is written as it is")
    void single() throws IOException {
        byte[] bytes = ascii("{\"count\":0}");
        ResponseBody body = ResponseBody.of(bytes);
        CountingStream out = new CountingStream();
        body.writeTo(out);
        assertThat(out.bytes.toByteArray()).isEqualTo(bytes);
        assertThat(out.writes).isEqualTo(1);
        assertThat(body.length()).isEqualTo(bytes.length);
    }
}

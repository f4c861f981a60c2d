package io.containerlogging.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The compressor's gzip writer (direct buffers, no JNI critical region) against the JDK's reader. */
class FileCompressorGzipTest {

    @TempDir
    Path dir;

    @Test
    @DisplayName("every size around the 64 KiB buffer, empty included, reads back byte for byte through GZIPInputStream")
    void roundTrip() throws Exception {
        Random random = new Random(5);
        FileCompressor compressor = new FileCompressor(null, Deflater.DEFAULT_COMPRESSION, () -> false, Thread::new);
        for (int size : new int[] {0, 1, 65_535, 65_536, 65_537, 3 * 65_536, 200_003}) {
            byte[] plain = new byte[size];
            for (int i = 0; i < size; i++) { // log-like: mostly text, some noise
                plain[i] = (byte) (i % 97 == 0 ? random.nextInt(256) : 'a' + i % 23);
            }
            Path source = dir.resolve("plain-" + size);
            Path target = dir.resolve("plain-" + size + ".gz");
            Files.write(source, plain);
            try (FileChannel in = FileChannel.open(source);
                    FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                assertThat(compressor.gzip(in, out)).isEqualTo(size);
            }
            try (InputStream in = new GZIPInputStream(Files.newInputStream(target))) {
                assertThat(in.readAllBytes()).as("size %d", size).isEqualTo(plain);
            }
        }
    }
}

package io.containerlogging.forward;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("ForwardCursor: two slots written in place, the newest valid one wins")
class ForwardCursorTest {

    @TempDir
    Path dir;

    @Test
    @DisplayName("no file, an empty file or garbage: no position (a new forwarder's start)")
    void none() throws Exception {
        assertThat(new ForwardCursor(dir, "a").load()).isNull();
        Files.writeString(dir.resolve("a.cursor"), "");
        assertThat(new ForwardCursor(dir, "a").load()).isNull();
        Files.writeString(dir.resolve("a.cursor"), "log-5\tnot-a-checksum\n" + "x".repeat(200));
        assertThat(new ForwardCursor(dir, "a").load()).isNull();
    }

    @Test
    @DisplayName("every save is read back by a new instance, as after a crash; saves alternate between the slots")
    void saves() throws Exception {
        try (ForwardCursor cursor = new ForwardCursor(dir, "a")) {
            for (int i = 1; i <= 500; i++) {
                cursor.save("log-" + i * 7, i % 100 == 0);
                try (ForwardCursor reopened = new ForwardCursor(dir, "a")) {
                    assertThat(reopened.load()).isEqualTo("log-" + i * 7);
                }
            }
        }
        assertThat(Files.size(dir.resolve("a.cursor"))).isEqualTo(128);
    }

    @Test
    @DisplayName("a torn write damages only the slot being written: the other one, older, is read")
    void tornSlot() throws Exception {
        try (ForwardCursor cursor = new ForwardCursor(dir, "a")) {
            cursor.save("log-100", true); // slot 0
            cursor.save("log-200", true); // slot 1
        }
        // A power loss in the middle of the next save, into slot 0: half of it written.
        try (FileChannel channel = FileChannel.open(dir.resolve("a.cursor"), StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.wrap("log-300\t12".getBytes()), 0);
        }
        try (ForwardCursor reopened = new ForwardCursor(dir, "a")) {
            assertThat(reopened.load()).isEqualTo("log-200");
            reopened.save("log-300", true); // goes over the damaged slot, the older one
            try (ForwardCursor again = new ForwardCursor(dir, "a")) {
                assertThat(again.load()).isEqualTo("log-300");
            }
        }
    }
}

package io.containerlogging.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSyncerTest {

    @TempDir
    Path dir;

    @Test
    @DisplayName("makes the writer wait while a force is under way and a request already waits, then serves all in order")
    void boundsWaitingRequests() throws Exception {
        Path file = Files.writeString(dir.resolve("a.log"), "line\n");
        CountDownLatch slowDevice = new CountDownLatch(1);
        List<Integer> ran = new CopyOnWriteArrayList<>();
        try (FileSyncer syncer = new FileSyncer(Thread::new)) {
            syncer.start();
            // The first follow-up stands for a force that takes long: the syncer is busy with it.
            syncer.request(List.of(file), () -> {
                ran.add(1);
                awaitQuietly(slowDevice);
            });
            await().atMost(Duration.ofSeconds(30)).until(() -> ran.contains(1));
            syncer.request(List.of(file), () -> ran.add(2)); // waits behind it: returns at once

            Thread writer = new Thread(() -> syncer.request(List.of(file), () -> ran.add(3)));
            writer.start();
            // The third request has no room: the writer waits instead of piling up more.
            await().atMost(Duration.ofSeconds(30)).until(() -> writer.getState() == Thread.State.WAITING);
            assertThat(ran).containsExactly(1);

            slowDevice.countDown();
            writer.join(30_000);
            assertThat(writer.isAlive()).isFalse();
            await().atMost(Duration.ofSeconds(30)).until(() -> ran.size() == 3);
            assertThat(ran).containsExactly(1, 2, 3);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.containerlogging.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containerlogging.core.LogId;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.core.LogSubscription;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link LocalLogBackend.Builder#durableReads}: nothing is served before it is on the device. */
class DurableReadsTest {

    @TempDir
    Path dir;

    private LocalLogBackend backend(Duration flushInterval, boolean durableReads) throws Exception {
        LocalLogBackend backend = LocalLogBackend.builder().enableFilePersistence(true).logDir(dir)
                .flushInterval(flushInterval).durableReads(durableReads).build();
        backend.initialize();
        return backend;
    }

    private static final Instant T0 = Instant.now().minusSeconds(3600); // within the default maxAge

    private static LogMessage line(int i) {
        return LogMessage.builder().message("line-" + i).timestamp(T0.plusMillis(i))
                .level(LogLevel.INFO).build();
    }

    @Test
    @DisplayName("a logged message is neither queried, counted nor published until the files are flushed and forced")
    void invisibleUntilDurable() throws Exception {
        try (LocalLogBackend backend = backend(Duration.ofHours(1), true)) {
            // The writer flushes its first lines at once; from then on only every flushInterval
            // (an hour here) or when flush() asks.
            LogMessage zero = backend.log(line(0));
            backend.flush();
            assertThat(backend.getLogs(LogQuery.all())).containsExactly(zero);
            List<LogMessage> received = new CopyOnWriteArrayList<>();
            try (LogSubscription ignored = backend.subscribe(LogQuery.all(), received::add)) {
                LogMessage first = backend.log(line(1));
                LogMessage second = backend.log(line(2));
                assertThat(first.id()).isNotNull(); // log() still answers with the id it will have
                // Give the writer time to copy the lines to the file (it may): still not visible.
                await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> true);
                assertThat(backend.getLogs(LogQuery.all())).containsExactly(zero);
                assertThat(backend.count()).isEqualTo(1);
                assertThat(backend.count(LogQuery.all())).isEqualTo(1);
                assertThat(received).isEmpty();

                backend.flush();
                assertThat(backend.getLogs(LogQuery.all())).extracting(LogMessage::message)
                        .containsExactly("line-0", "line-1", "line-2");
                assertThat(backend.count()).isEqualTo(3);
                await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 2);
                assertThat(received).containsExactly(first, second);
            }
        }
    }

    @Test
    @DisplayName("the end of a burst is visible long before the flush interval: the writer flushes once the ring is quiet")
    void endOfBurstFlushedEarly() throws Exception {
        // A 60 s interval allows an early flush 6 s after the last one; the lines must show up
        // then, far inside the interval (without the early flush they would wait the full 60 s).
        try (LocalLogBackend backend = backend(Duration.ofSeconds(60), true)) {
            LogMessage zero = backend.log(line(0));
            backend.flush();
            assertThat(backend.getLogs(LogQuery.all())).containsExactly(zero);
            List<LogMessage> received = new CopyOnWriteArrayList<>();
            try (LogSubscription ignored = backend.subscribe(LogQuery.all(), received::add)) {
                for (int i = 1; i <= 3_000; i++) {
                    backend.log(line(i));
                }
                await().atMost(Duration.ofSeconds(40)).until(() -> received.size() == 3_000);
                assertThat(backend.count()).isEqualTo(3_001);
                assertThat(received.get(2_999).message()).isEqualTo("line-3000");
            }
        }
    }

    @Test
    @DisplayName("under a steady stream the writer flushes every half ring, so held messages stay bounded")
    void flushesEveryHalfRing() throws Exception {
        // An hour's interval: only the half-ring bound can make these visible.
        try (LocalLogBackend backend = LocalLogBackend.builder().enableFilePersistence(true).logDir(dir)
                .maxLogs(100).flushInterval(Duration.ofHours(1)).durableReads(true).build()) {
            backend.initialize();
            backend.log(line(0));
            backend.flush();
            for (int i = 1; i <= 1_000; i++) {
                backend.log(line(i));
            }
            // Written lines wait for a flush only until 50 have gathered, and the writer is woken
            // once 25 wait in the ring: at most the last 49 + 24 are not visible yet.
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                List<LogMessage> newest = backend.getLogs(LogQuery.builder().limit(1).build());
                assertThat(newest).isNotEmpty(); // empty while the ring holds only lines not yet flushed
                assertThat(Integer.parseInt(newest.get(0).message().substring("line-".length())))
                        .isGreaterThan(1_000 - 50 - 25);
            });
        }
    }

    @Test
    @DisplayName("the flush interval alone makes messages visible, in id order, without a flush() call")
    void visibleAfterTheFlushInterval() throws Exception {
        try (LocalLogBackend backend = backend(Duration.ofMillis(50), true)) {
            List<LogMessage> received = new CopyOnWriteArrayList<>();
            try (LogSubscription ignored = backend.subscribe(LogQuery.all(), received::add)) {
                for (int i = 0; i < 5_000; i++) {
                    backend.log(line(i));
                }
                await().atMost(Duration.ofSeconds(20)).until(() -> received.size() == 5_000);
                assertThat(received).extracting(LogMessage::message).startsWith("line-0", "line-1")
                        .endsWith("line-4999");
                for (int i = 1; i < received.size(); i++) {
                    assertThat(received.get(i).id().compareTo(received.get(i - 1).id()) != 0).isTrue();
                }
                assertThat(backend.getLogs(LogQuery.builder().limit(1).build())).extracting(LogMessage::message)
                        .containsExactly("line-4999");
            }
        }
    }

    @Test
    @DisplayName("reloaded messages are visible at once after a restart, and new ones follow them")
    void reloadedAreVisible() throws Exception {
        try (LocalLogBackend backend = backend(Duration.ofHours(1), true)) {
            backend.log(line(1));
            backend.flush();
        }
        try (LocalLogBackend backend = backend(Duration.ofHours(1), true)) {
            assertThat(backend.getLogs(LogQuery.all())).extracting(LogMessage::message).containsExactly("line-1");
            backend.log(line(2));
            assertThat(backend.getLogs(LogQuery.all())).extracting(LogMessage::message).containsExactly("line-1");
            backend.flush();
            assertThat(backend.getLogs(LogQuery.all())).extracting(LogMessage::message)
                    .containsExactly("line-1", "line-2");
        }
    }

    @Test
    @DisplayName("without durable reads (the default) a logged message is visible at once")
    void defaultServesAtOnce() throws Exception {
        try (LocalLogBackend backend = backend(Duration.ofHours(1), false)) {
            backend.log(line(1));
            assertThat(backend.getLogs(LogQuery.all())).hasSize(1);
        }
    }

    /**
     * What an SSE stream does (subscribe, replay pages up to the watermark, then go on with the
     * subscription, skipping what it replayed), started at moments spread over a stream that
     * overruns a small ring: written messages are held for publishing only while someone
     * subscribes, so a subscription that comes between a write and its force must still leave
     * no gap.
     */
    @Test
    @DisplayName("a subscriber that joins a running stream, then replays to the watermark, gets every message once, in order")
    void joinMidStream() throws Exception {
        int lines = 20_000;
        for (int round = 0; round < 4; round++) {
            Path roundDir = dir.resolve("round-" + round);
            try (LocalLogBackend backend = LocalLogBackend.builder().enableFilePersistence(true).logDir(roundDir)
                    .maxLogs(500).durableReads(true).build()) {
                backend.initialize();
                List<String> logged = new CopyOnWriteArrayList<>();
                Thread producer = new Thread(() -> {
                    for (int i = 0; i < lines; i++) {
                        logged.add(backend.log(line(i)).id());
                    }
                });
                producer.start();
                int joinAt = 2_000 + round * 4_000; // while lines keep coming (and some are visible)
                await().atMost(Duration.ofSeconds(30)).until(() -> logged.size() >= joinAt);
                // Like a client that has seen everything visible so far: its replay is short.
                // (Under the flood the newest visible line may have left the 500-line memory
                // already: then ask again.)
                List<LogMessage> newest = new ArrayList<>();
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    newest.addAll(backend.getLogs(LogQuery.builder().limit(1).build()));
                    return !newest.isEmpty();
                });
                long seenThrough = LogId.sequence(newest.get(0).id());
                long cursor = seenThrough;
                BlockingQueue<LogMessage> live = new LinkedBlockingQueue<>();
                List<String> seen = new ArrayList<>();
                try (LogSubscription ignored = backend.subscribe(LogQuery.all(), lines, live::add)) {
                    while (true) { // the replay
                        List<LogMessage> page = backend.getLogs(LogQuery.builder()
                                .afterId(LogId.format(cursor)).limit(1_000).build());
                        if (page.isEmpty()) {
                            break;
                        }
                        for (LogMessage message : page) {
                            seen.add(message.id());
                            cursor = LogId.sequence(message.id());
                        }
                    }
                    producer.join();
                    backend.flush();
                    long last = LogId.sequence(logged.get(logged.size() - 1));
                    while (cursor < last) {
                        LogMessage message = live.poll(10, TimeUnit.SECONDS);
                        assertThat(message).as("round %d: live message after %s", round, cursor).isNotNull();
                        long sequence = LogId.sequence(message.id());
                        if (sequence > cursor) {
                            seen.add(message.id());
                            cursor = sequence;
                        }
                    }
                }
                List<String> expected = logged.subList(logged.indexOf(LogId.format(seenThrough)) + 1, lines);
                assertThat(seen).as("round %d, joined after %d lines", round, joinAt).isEqualTo(expected);
            }
        }
    }
}

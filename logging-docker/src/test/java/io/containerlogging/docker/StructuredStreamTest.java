package io.containerlogging.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containerlogging.core.LevelSource;
import io.containerlogging.core.LogBackend;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.core.ReadCheckpoint;
import io.containerlogging.core.structure.StructureOptions;
import io.containerlogging.core.structure.StructureStage;
import io.containerlogging.local.LocalLogBackend;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The structure stage inside a followed container, with a scripted engine (no daemon): grouping,
 * levels and fields per stream, and the read checkpoint of grouped messages across a crash.
 */
@DisplayName("A followed container with the structure stage, against a scripted engine")
@Timeout(60)
class StructuredStreamTest {

    private static final Instant BASE = Instant.parse("2026-11-24T09:00:00Z");

    /** The log stream: a JSON line, a logfmt line, a logged error with its Java trace, stderr lines between. */
    static byte[] body() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int n = 0;
        String[][] lines = {
            {"1", "{\"level\":\"warn\",\"msg\":\"slow\",\"http\":{\"status\":503}}"},
            {"2", "plain stderr line"},
            {"1", "ts=x level=debug msg=\"cache miss\" key=user:1"},
            {"1", "2026-11-24 09:00:00.004 ERROR [main] c.e.App - failed"},
            {"2", "W1124 09:00:00.005000       1 main.go:1] between the trace lines, on stderr"},
            {"1", "java.lang.IllegalStateException: boom"},
            {"1", "\tat c.e.App.run(App.java:10)"},
            {"1", "Caused by: java.io.IOException: disk"},
            {"1", "\t... 3 more"},
            {"1", "INFO done, 0 errors"},
        };
        for (String[] line : lines) {
            out.writeBytes(LogStreamDecoderTest.frame(Integer.parseInt(line[0]),
                    BASE.plusMillis(++n) + " " + line[1] + "\n"));
        }
        return out.toByteArray();
    }

    /** {@code bytes}, then a stream that stays open without data until it is closed (as a detach does). */
    static InputStream heldOpen(byte[] bytes) {
        CountDownLatch closed = new CountDownLatch(1);
        InputStream open = new InputStream() {
            @Override
            public int read() throws IOException {
                try {
                    closed.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IOException("closed");
            }

            @Override
            public void close() {
                closed.countDown();
            }
        };
        return new SequenceInputStream(new ByteArrayInputStream(bytes), open) {
            @Override
            public void close() throws IOException {
                open.close();
            }
        };
    }

    static LogStreams engine(InputStream... bodies) {
        int[] next = {0};
        return (method, path) -> {
            InputStream in = bodies[Math.min(next[0]++, bodies.length - 1)];
            return new LogStreams.Response() {
                @Override
                public int status() {
                    return 200;
                }

                @Override
                public InputStream body() {
                    return in;
                }

                @Override
                public void close() {
                    try {
                        in.close();
                    } catch (IOException ignored) {
                        // a test stream
                    }
                }
            };
        };
    }

    static FollowedContainer follow(LogStreams engine, BackendWriter writer, FollowedContainer.ResumePoint from,
            CountDownLatch ended) {
        return new FollowedContainer("c1", false, true, true, true, null, "svc", from, false, engine, writer,
                new StructureStage(StructureOptions.defaults()), 1 << 20, Clock.systemUTC(), Thread::new,
                (c, completed, status, catchUp) -> ended.countDown(), null);
    }

    @Test
    @DisplayName("lines arrive parsed, levelled with their source and grouped, never across streams")
    void parsedLevelledGrouped() throws Exception {
        try (LogBackend backend = LocalLogBackend.builder().build();
                BackendWriter writer = new BackendWriter(backend, new StructureStage(StructureOptions.defaults()), 100,
                        Duration.ZERO, Clock.systemUTC(), Thread::new)) {
            backend.initialize();
            CountDownLatch ended = new CountDownLatch(1);
            follow(engine(new ByteArrayInputStream(body())), writer, null, ended).open();
            ended.await();
            await().atMost(Duration.ofSeconds(10)).until(() -> backend.count() >= 6);
            List<LogMessage> logs = backend.getLogs(LogQuery.builder().containerId("c1").build());
            assertThat(logs).hasSize(6);
            LogMessage json = find(logs, "{\"level\"");
            assertThat(json.level()).isEqualTo(LogLevel.WARN);
            assertThat(json.levelSource()).isEqualTo(LevelSource.JSON);
            assertThat(json.fields().get("http.status")).isEqualTo(503L);
            LogMessage logfmt = find(logs, "ts=x");
            assertThat(logfmt.level()).isEqualTo(LogLevel.DEBUG);
            assertThat(logfmt.levelSource()).isEqualTo(LevelSource.LOGFMT);
            LogMessage plain = find(logs, "plain stderr");
            assertThat(plain.level()).isEqualTo(LogLevel.ERROR);
            assertThat(plain.levelSource()).isEqualTo(LevelSource.STREAM);
            LogMessage klog = find(logs, "W1124");
            assertThat(klog.level()).isEqualTo(LogLevel.WARN);
            assertThat(klog.isStdErr()).isTrue();
            LogMessage trace = find(logs, "2026-11-24 09:00:00.004 ERROR");
            assertThat(trace.message().split("\n")).hasSize(5).endsWith("\t... 3 more");
            assertThat(trace.level()).isEqualTo(LogLevel.ERROR);
            assertThat(trace.levelSource()).isEqualTo(LevelSource.TEXT);
            assertThat(trace.timestamp()).isEqualTo(BASE.plusMillis(9));
            assertThat(find(logs, "INFO done").level()).isEqualTo(LogLevel.INFO);
            assertThat(backend.readPosition("c1", false)).map(ReadCheckpoint::timestamp).contains(BASE.plusMillis(10));
        }
    }

    @Test
    @DisplayName("a crash while a trace is held loses none of it and repeats none of it: the checkpoint never runs ahead")
    void crashWhileHeld() throws Exception {
        byte[] body = body();
        try (LogBackend backend = LocalLogBackend.builder().build();
                BackendWriter writer = new BackendWriter(backend, new StructureStage(StructureOptions.defaults()), 100,
                        Duration.ZERO, Clock.systemUTC(), Thread::new)) {
            backend.initialize();
            // first run: the whole body, then the stream stays open (no more lines, no flush timer)
            InputStream open = heldOpen(body);
            CountDownLatch firstEnded = new CountDownLatch(1);
            FollowedContainer first = follow(engine(open), writer, null, firstEnded);
            first.open();
            // stored: all but the last line of each stream, which the groupers hold
            await().atMost(Duration.ofSeconds(10)).until(() -> backend.count() >= 4);
            assertThat(backend.readPosition("c1", false)).map(ReadCheckpoint::timestamp).contains(BASE.plusMillis(9));
            assertThat(backend.getLogs(LogQuery.builder().containerId("c1").build()))
                    .extracting(LogMessage::message).noneMatch(m -> m.startsWith("INFO done"));

            // "crash": the first reader's held line is never handed over; a new one resumes from the checkpoint
            FollowedContainer.ResumePoint from = new CheckpointResumePoints(backend, FirstRead.DEFAULT,
                    Clock.systemUTC()).resumePoint("c1");
            CountDownLatch secondEnded = new CountDownLatch(1);
            follow(engine(new ByteArrayInputStream(body)), writer, from, secondEnded).open();
            secondEnded.await();
            await().atMost(Duration.ofSeconds(10)).until(() -> backend.count() >= 6);
            List<LogMessage> logs = backend.getLogs(LogQuery.builder().containerId("c1").build());
            assertThat(logs).extracting(LogMessage::message).doesNotHaveDuplicates().hasSize(6);
            assertThat(find(logs, "2026-11-24 09:00:00.004 ERROR").message().split("\n")).hasSize(5);
            assertThat(find(logs, "INFO done").timestamp()).isEqualTo(BASE.plusMillis(10));
            first.detach(); // ends the abandoned reader (what it stores now is past the assertions)
        }
    }

    @Test
    @DisplayName("a detach hands over what the groupers hold before it takes the resume point")
    void detachFlushes() throws Exception {
        try (LogBackend backend = LocalLogBackend.builder().build();
                BackendWriter writer = new BackendWriter(backend, new StructureStage(StructureOptions.defaults()), 100,
                        Duration.ZERO, Clock.systemUTC(), Thread::new)) {
            backend.initialize();
            InputStream open = heldOpen(body());
            FollowedContainer container = follow(engine(open), writer, null, new CountDownLatch(1));
            container.open();
            await().atMost(Duration.ofSeconds(10)).until(() -> backend.count() >= 4);
            FollowedContainer.ResumePoint point = container.detach();
            await().atMost(Duration.ofSeconds(10)).until(() -> backend.count() >= 6);
            assertThat(point.stdout().timestamp()).isEqualTo(BASE.plusMillis(10));
            assertThat(backend.readPosition("c1", false)).map(ReadCheckpoint::timestamp).contains(BASE.plusMillis(10));
        }
    }

    @Test
    @DisplayName("the flush timer hands over a held line once it has waited the timeout")
    void timerFlushes() throws Exception {
        try (LogBackend backend = LocalLogBackend.builder().build();
                BackendWriter writer = new BackendWriter(backend, new StructureStage(StructureOptions.defaults()), 100,
                        Duration.ZERO, Clock.systemUTC(), Thread::new)) {
            backend.initialize();
            InputStream open = heldOpen(body());
            FollowedContainer container = follow(engine(open), writer, null, new CountDownLatch(1));
            container.open();
            try (MultilineFlusher flusher = new MultilineFlusher(Duration.ofMillis(50),
                    action -> action.accept(container), System::nanoTime, Thread::new)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> backend.count() >= 6);
            }
            assertThat(find(backend.getLogs(LogQuery.all()), "INFO done").level()).isEqualTo(LogLevel.INFO);
            container.detach();
        }
    }

    private static LogMessage find(List<LogMessage> logs, String prefix) {
        return logs.stream().filter(m -> m.message().startsWith(prefix)).findFirst().orElseThrow(
                () -> new AssertionError("no message starting with " + prefix + " in " + logs));
    }
}

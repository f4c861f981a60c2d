package io.containerlogging.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containerlogging.core.LogBackend;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.core.LogSubscriber;
import io.containerlogging.core.LogSubscription;
import io.containerlogging.core.SourceType;
import io.containerlogging.testing.DockerTest;
import io.containerlogging.testing.ScratchContainers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@DockerTest
@Timeout(120)
@DisplayName("Under load: slow backends and many containers")
class LoadDockerTest {

    final ScratchContainers containers = new ScratchContainers();
    final LogBackend backend = DockerTests.newBackend();
    final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
        containers.close();
        backend.close();
    }

    /** Holds every container line until released, like a backend stuck on a slow disk. */
    static final class StuckBackend implements LogBackend {
        final LogBackend delegate;
        final CountDownLatch release = new CountDownLatch(1);

        StuckBackend(LogBackend delegate) {
            this.delegate = delegate;
        }

        @Override
        public LogMessage log(LogMessage message) {
            if (message.containerId() != null) {
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return delegate.log(message);
        }

        @Override
        public void initialize() {
        }

        @Override
        public List<LogMessage> getLogs(LogQuery query) {
            return delegate.getLogs(query);
        }

        @Override
        public long count() {
            return delegate.count();
        }

        @Override
        public long count(LogQuery query) {
            return delegate.count(query);
        }

        @Override
        public long cleanup(Duration maxAge) {
            return delegate.cleanup(maxAge);
        }

        @Override
        public LogSubscription subscribe(LogQuery filter, int bufferSize, LogSubscriber subscriber) {
            return delegate.subscribe(filter, bufferSize, subscriber);
        }

        @Override
        public int subscriberCount() {
            return delegate.subscriberCount();
        }

        @Override
        public void close() {
            release.countDown();
        }
    }

    @Test
    @DisplayName("a stuck backend never blocks the Docker stream: overflow is dropped, counted and reported")
    void boundedBuffer() {
        StuckBackend stuck = new StuckBackend(backend);
        toClose.add(stuck);
        ContainerLogMonitor monitor = ContainerLogMonitor.builder(DockerTests.client(), stuck).bufferSize(100).build();
        toClose.add(0, monitor);
        String id = containers.run("seq 1 2000");
        monitor.attach(io.containerlogging.core.AttachOptions.builder(id).build());
        // The stream is read to its end although nothing reaches the backend: all but what the
        // buffer (100) and the writer's stuck batch (at most 100) hold is dropped.
        await().atMost(Duration.ofSeconds(30)).until(() -> monitor.statistics().dropped() >= 2000 - 2 * 100);
        // Counted per container too, for the metrics: this container's are all of them.
        assertThat(monitor.droppedCounts()).hasSize(1);
        assertThat(monitor.droppedCounts().values().iterator().next()).isEqualTo(monitor.statistics().dropped());
        stuck.release.countDown();

        Pattern suppressed = Pattern.compile("suppressed (\\d+) messages.*");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            long stored = backend.count(LogQuery.builder().containerId(id).build());
            long reported = 0;
            for (LogMessage message : backend.getLogs(LogQuery.builder().sourceType(SourceType.SYSTEM).build())) {
                Matcher matcher = suppressed.matcher(message.message());
                if (matcher.matches()) {
                    reported += Long.parseLong(matcher.group(1));
                }
            }
            assertThat(reported).isPositive().isEqualTo(monitor.statistics().dropped());
            assertThat(stored + reported).isEqualTo(2000);
        });
    }

    @Test
    @DisplayName("a backend that stalls for less than overflowWait loses nothing: the stream waits, Docker keeps the lines")
    void briefStallLosesNothing() throws Exception {
        StuckBackend stalled = new StuckBackend(backend);
        toClose.add(stalled);
        ContainerLogMonitor monitor = ContainerLogMonitor.builder(DockerTests.client(), stalled)
                .bufferSize(100).overflowWait(Duration.ofSeconds(20)).build();
        toClose.add(0, monitor);
        String id = containers.run("seq 1 2000");
        monitor.attach(io.containerlogging.core.AttachOptions.builder(id).build());
        // The buffer fills while the backend is stuck: the reader waits instead of dropping.
        await().atMost(Duration.ofSeconds(30)).until(() -> monitor.statistics().dropped() == 0 && stalledFull(monitor));
        Thread.sleep(1000);
        stalled.release.countDown();

        await().atMost(Duration.ofSeconds(30)).until(() -> backend.count(LogQuery.builder().containerId(id).build()) == 2000);
        assertThat(monitor.statistics().dropped()).isZero();
        assertThat(backend.getLogs(LogQuery.builder().containerId(id).build())).extracting(LogMessage::message)
                .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, 2000).mapToObj(Integer::toString).toList());
        assertThat(backend.getLogs(LogQuery.builder().sourceType(SourceType.SYSTEM).build()))
                .noneMatch(m -> m.message().startsWith("suppressed"));
    }

    private static boolean stalledFull(ContainerLogMonitor monitor) {
        return monitor.statistics().queued() >= 100;
    }

    @Test
    @DisplayName("20 chatty containers at once: every line exactly once, one thread per stream, all stopped by close")
    void manyContainers() {
        List<Thread> threads = new CopyOnWriteArrayList<>();
        ThreadFactory counting = runnable -> {
            Thread thread = new Thread(runnable, "test-monitor-" + threads.size());
            thread.setDaemon(true);
            threads.add(thread);
            return thread;
        };
        ContainerLogMonitor monitor = ContainerLogMonitor.builder(DockerTests.client(), backend)
                .threadFactory(counting).build();
        toClose.add(monitor);
        monitor.start();
        int count = 20;
        int lines = 1000;
        List<String> ids = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            ids.add(containers.create(ResumeDockerTest.numbered(lines, "sleep 60")));
        }
        containers.start(ids.toArray(String[]::new));

        // Count only this test's containers: start() also attaches whatever else runs on the engine.
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() ->
                assertThat(ids.stream().mapToLong(id -> backend.count(LogQuery.builder().containerId(id).build())).sum())
                        .isEqualTo((long) count * lines * 2));
        for (String id : ids) {
            List<LogMessage> logs = backend.getLogs(LogQuery.builder().containerId(id).build());
            List<String> out = logs.stream().filter(m -> !m.isStdErr()).map(LogMessage::message).toList();
            List<String> err = logs.stream().filter(LogMessage::isStdErr).map(LogMessage::message).toList();
            assertThat(out).hasSize(lines).first().isEqualTo("r1 out 1");
            assertThat(out).last().isEqualTo("r1 out " + lines);
            assertThat(out).doesNotHaveDuplicates();
            assertThat(err).hasSize(lines).doesNotHaveDuplicates();
        }
        long alive = threads.stream().filter(Thread::isAlive).count();
        assertThat(alive).as("monitor threads alive: one per followed container, plus three")
                .isLessThanOrEqualTo(monitor.attachedContainers().size() + 3L);

        monitor.close();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(threads).noneMatch(Thread::isAlive));
    }
}

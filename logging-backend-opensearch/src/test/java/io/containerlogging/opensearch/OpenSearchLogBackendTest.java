package io.containerlogging.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.containerlogging.core.LogId;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.core.LogSource;
import io.containerlogging.core.SourceType;
import io.containerlogging.tck.MutableClock;
import io.containerlogging.testing.OpenSearchNode;
import io.containerlogging.testing.OpenSearchTest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** OpenSearchLogBackend's own behaviour against a real node: fleets, restarts, outages, failures. */
@OpenSearchTest
@Timeout(120)
class OpenSearchLogBackendTest {

    private static final AtomicInteger PREFIXES = new AtomicInteger();

    private final List<OpenSearchLogBackend> opened = new ArrayList<>();
    private final String prefix = "test-" + PREFIXES.incrementAndGet();

    @AfterEach
    void closeAndDelete() throws Exception {
        for (OpenSearchLogBackend backend : opened) {
            backend.close();
        }
        OpenSearchNode.deleteIndices(prefix);
    }

    private OpenSearchLogBackend.Builder config() {
        return OpenSearchLogBackend.builder().endpoints(OpenSearchNode.url()).indexPrefix(prefix)
                .flushInterval(Duration.ofMillis(50));
    }

    private OpenSearchLogBackend start(OpenSearchLogBackend.Builder builder) {
        OpenSearchLogBackend backend = builder.build();
        opened.add(backend);
        try {
            backend.initialize();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e); // opening OpenSearch declares no IOException
        }
        return backend;
    }

    private static LogMessage line(String text, String service, LogLevel level, Instant time) {
        return LogMessage.builder().message(text).timestamp(time).level(level)
                .source(LogSource.container(service)).serviceId(service.length()).serviceName(service)
                .containerId("c-" + service).build();
    }

    private static List<String> texts(List<LogMessage> messages) {
        return messages.stream().map(LogMessage::message).collect(Collectors.toList());
    }

    private static List<Long> sequences(List<LogMessage> messages) {
        return messages.stream().map(m -> LogId.sequence(m.id())).collect(Collectors.toList());
    }

    @Nested
    @DisplayName("Configuration")
    class Configuration {

        @Test
        @DisplayName("rejects bad values at once, quoting them")
        void failsFast() {
            OpenSearchLogBackend.Builder b = OpenSearchLogBackend.builder();
            assertThatThrownBy(() -> b.endpoints("ftp://os:9200")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("ftp://os:9200");
            assertThatThrownBy(() -> b.endpoints("http://os:9200/path")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> b.endpoints(List.of())).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> b.indexPrefix("Logs*")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Logs*");
            assertThatThrownBy(() -> b.batchSize(0)).hasMessageContaining("0");
            assertThatThrownBy(() -> b.queueCapacity(-1)).hasMessageContaining("-1");
            assertThatThrownBy(() -> b.deviceSlot(1024)).hasMessageContaining("1024");
            assertThatThrownBy(() -> b.deviceId(" ")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> b.flushInterval(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> b.maxRetryDelay(Duration.ofMillis(10))).hasMessageContaining("PT0.01S");
            assertThatThrownBy(() -> b.basicAuth("a:b", "x")).hasMessageContaining("a:b");
            assertThatThrownBy(() -> b.clock(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("clock");
        }

        @Test
        @DisplayName("defaults are named constants")
        void defaults() {
            assertThat(OpenSearchLogBackend.DEFAULT_BATCH_SIZE).isEqualTo(1_000);
            assertThat(OpenSearchLogBackend.DEFAULT_QUEUE_CAPACITY).isEqualTo(50_000);
            assertThat(OpenSearchLogBackend.DEFAULT_FLUSH_INTERVAL).isEqualTo(Duration.ofSeconds(1));
            assertThat(OpenSearchLogBackend.DEFAULT_INDEX_PREFIX).isEqualTo("container-logs");
            assertThat(OpenSearchLogBackend.builder().deviceId("pi-07").build().deviceSlot())
                    .isEqualTo(LogSequence.slotOf("pi-07"));
            assertThat(OpenSearchLogBackend.builder().deviceId("pi-07").deviceSlot(7).build().deviceSlot()).isEqualTo(7);
        }

        @Test
        @DisplayName("writes on one named daemon thread, which close() stops")
        void writerThread() {
            OpenSearchLogBackend backend = start(config());
            assertThat(writerThreads()).anySatisfy(t -> assertThat(t.isDaemon()).isTrue());
            int before = writerThreads().size();
            backend.close();
            assertThat(writerThreads()).hasSize(before - 1);
        }

        private List<Thread> writerThreads() {
            return Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("container-logging-opensearch-writer-") && t.isAlive())
                    .collect(Collectors.toList());
        }
    }

    @Nested
    @DisplayName("A fleet of devices")
    class Fleet {

        @Test
        @DisplayName("several devices write at once; a central reader counts, filters and pages them exactly")
        void devicesWriteCentralReads() throws Exception {
            int devices = 3;
            int perDevice = 3_000;
            Instant now = Instant.now();
            List<OpenSearchLogBackend> writers = new ArrayList<>();
            for (int d = 1; d <= devices; d++) {
                writers.add(start(config().deviceId("pi-0" + d).deviceSlot(d).batchSize(500)));
            }
            ExecutorService pool = Executors.newFixedThreadPool(devices);
            try {
                List<Future<List<LogMessage>>> results = new ArrayList<>();
                for (OpenSearchLogBackend writer : writers) {
                    results.add(pool.submit(() -> {
                        List<LogMessage> stored = new ArrayList<>();
                        for (int i = 0; i < perDevice; i++) {
                            String service = i % 2 == 0 ? "web" : "api";
                            LogLevel level = i % 5 == 0 ? LogLevel.ERROR : LogLevel.INFO;
                            stored.add(writer.log(line("m" + i, service, level, now.plusNanos(i))));
                        }
                        return stored;
                    }));
                }
                List<List<LogMessage>> logged = new ArrayList<>();
                for (Future<List<LogMessage>> result : results) {
                    logged.add(result.get(60, TimeUnit.SECONDS));
                }
                for (OpenSearchLogBackend writer : writers) {
                    writer.close(); // writes everything queued
                    assertThat(writer.statistics().dropped()).isZero();
                }

                OpenSearchLogBackend central = start(config());
                central.flush();
                assertThat(central.count()).isEqualTo((long) devices * perDevice);
                for (int d = 1; d <= devices; d++) {
                    String device = "pi-0" + d;
                    assertThat(central.count(LogQuery.builder().deviceId(device).build())).as(device).isEqualTo(perDevice);
                    // "errors of service web on device pi-0d in the last hour"
                    LogQuery webErrors = LogQuery.builder().deviceId(device).serviceName("web").level(LogLevel.ERROR)
                            .since(now.minus(Duration.ofHours(1))).build();
                    assertThat(central.count(webErrors)).as(device).isEqualTo(perDevice / 10);
                    assertThat(central.getLogs(LogQuery.builder().deviceId(device).build()))
                            .as("device %s: everything it logged, in its order, with its ids", device)
                            .containsExactlyElementsOf(logged.get(d - 1));
                }

                // A central poller pages through the whole fleet by id, each message exactly once.
                List<LogMessage> paged = new ArrayList<>();
                String cursor = LogId.format(1); // before every id
                while (true) {
                    List<LogMessage> page = central.getLogs(LogQuery.builder().afterId(cursor).limit(1_000).build());
                    if (page.isEmpty()) {
                        break;
                    }
                    paged.addAll(page);
                    cursor = page.get(page.size() - 1).id();
                }
                assertThat(paged).hasSize(devices * perDevice);
                assertThat(sequences(paged)).isSorted().doesNotHaveDuplicates();
                Set<LogMessage> all = new HashSet<>();
                logged.forEach(all::addAll);
                assertThat(new HashSet<>(paged)).isEqualTo(all);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Nested
    @DisplayName("Restarting the writer")
    class Restart {

        @Test
        @DisplayName("loses nothing and continues ids after the stored ones, even on a clock that stands still")
        void restartLosesNothing() {
            // A standing clock makes the first run's ids run ahead of it; without looking up the
            // highest stored id, the second run would hand out the same ids again.
            Clock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
            OpenSearchLogBackend first = start(config().deviceId("pi-r").clock(clock));
            List<LogMessage> firstRun = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                firstRun.add(first.log(line("first " + i, "web", LogLevel.INFO, clock.instant())));
            }
            first.close();

            OpenSearchLogBackend second = start(config().deviceId("pi-r").clock(clock));
            List<LogMessage> secondRun = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                secondRun.add(second.log(line("second " + i, "web", LogLevel.INFO, clock.instant())));
            }
            second.flush();

            List<LogMessage> expected = new ArrayList<>(firstRun);
            expected.addAll(secondRun);
            assertThat(second.getLogs(LogQuery.all())).containsExactlyElementsOf(expected);
            assertThat(LogId.sequence(secondRun.get(0).id()))
                    .isGreaterThan(LogId.sequence(firstRun.get(firstRun.size() - 1).id()));
            assertThat(second.count(LogQuery.builder().deviceId("pi-r").build())).isEqualTo(4_000);
        }
    }

    @Nested
    @DisplayName("When OpenSearch is unreachable")
    class Outage {

        @Test
        @DisplayName("down at start: log() goes on, the queue keeps what fits up to its bound, drops are counted, "
                + "and everything kept arrives once OpenSearch is back")
        void downAtStartThenBack() throws Exception {
            int capacity = 100;
            int batch = 50;
            int total = 400;
            try (TcpForwarder proxy = new TcpForwarder()) { // not listening yet: connections refused
                OpenSearchLogBackend backend = start(config().endpoints(proxy.url()).deviceId("pi-down")
                        .queueCapacity(capacity).batchSize(batch).maxRetryDelay(Duration.ofMillis(200))
                        .connectTimeout(Duration.ofSeconds(1)));
                List<LogMessage> logged = new ArrayList<>();
                for (int i = 0; i < total; i++) {
                    logged.add(backend.log(line("m" + i, "web", LogLevel.INFO, Instant.now())));
                }
                assertThat(logged).allSatisfy(m -> assertThat(m.id()).isNotNull());
                long dropped = backend.statistics().dropped();
                int kept = total - (int) dropped;
                assertThat(kept).as("at most the queue and one batch wait").isLessThanOrEqualTo(capacity + batch)
                        .isGreaterThanOrEqualTo(capacity);

                await().atMost(Duration.ofSeconds(20)).until(() -> backend.failedRequests() > 0);
                assertThat(backend.statistics().written()).isZero();
                proxy.start();
                backend.flush();

                // What was queued when log() ran is stored, in order; what found the queue full is
                // not. The first `capacity` always fit; later ones fit when the writer had taken a
                // batch out of the queue in the meantime.
                List<LogMessage> stored = backend.getLogs(LogQuery.builder().serviceName("web").build());
                assertThat(stored).hasSize(kept).isSubsetOf(logged).startsWith(
                        logged.subList(0, capacity).toArray(new LogMessage[0]));
                assertThat(sequences(stored)).isSorted();
                assertThat(backend.statistics().dropped()).isEqualTo(dropped);
                // The drop is reported where the fleet can see it.
                LogQuery warnings = LogQuery.builder().sourceType(SourceType.SYSTEM).level(LogLevel.WARN)
                        .deviceId("pi-down").build();
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    backend.flush();
                    assertThat(texts(backend.getLogs(warnings)))
                            .singleElement().asString().contains("dropped " + dropped + " log messages");
                });

                // A later outage within the bound loses nothing.
                proxy.stop();
                List<LogMessage> during = new ArrayList<>();
                for (int i = 0; i < 30; i++) {
                    during.add(backend.log(line("later " + i, "api", LogLevel.INFO, Instant.now())));
                }
                long failedBefore = backend.failedRequests();
                await().atMost(Duration.ofSeconds(20)).until(() -> backend.failedRequests() > failedBefore);
                proxy.start();
                backend.flush();
                assertThat(backend.getLogs(LogQuery.builder().serviceName("api").build())).containsExactlyElementsOf(during);
                assertThat(backend.statistics().dropped()).isEqualTo(dropped);
            }
        }
    }

    @Nested
    @DisplayName("Closing while OpenSearch is unreachable")
    class CloseDuringOutage {

        @Test
        @DisplayName("close() gives up after its timeout and counts exactly what was not written as dropped")
        void closeCountsWhatIsLeft() throws Exception {
            try (TcpForwarder proxy = new TcpForwarder()) { // never started: connections refused
                OpenSearchLogBackend backend = start(config().endpoints(proxy.url()).batchSize(10)
                        .maxRetryDelay(Duration.ofMillis(200)).flushTimeout(Duration.ofMillis(300))
                        .closeTimeout(Duration.ofMillis(500)));
                for (int i = 0; i < 35; i++) {
                    backend.log(line("m" + i, "web", LogLevel.INFO, Instant.now()));
                }
                await().atMost(Duration.ofSeconds(20)).until(() -> backend.failedRequests() > 0);
                backend.flush(); // asks the writer to hurry (a marker in the queue), then times out

                backend.close();

                assertThat(backend.statistics().written()).isZero();
                assertThat(backend.statistics().dropped()).isEqualTo(35);
            }
        }
    }

    @Nested
    @DisplayName("Partial bulk failures")
    class PartialFailures {

        @Test
        @DisplayName("an item OpenSearch refuses is counted as rejected; the rest of its batch is stored")
        void rejectedItem() {
            OpenSearchLogBackend backend = start(config());
            Instant now = Instant.now();
            backend.log(line("before", "web", LogLevel.INFO, now));
            // date_nanos holds 1970..2262 only: OpenSearch refuses this one item with a 400.
            backend.log(line("from 1969", "web", LogLevel.INFO, Instant.parse("1969-12-31T23:59:59Z")));
            backend.log(line("after", "web", LogLevel.INFO, now));
            backend.flush();

            assertThat(texts(backend.getLogs(LogQuery.all()))).containsExactly("before", "after");
            assertThat(backend.statistics().rejected()).isEqualTo(1);
            assertThat(backend.statistics().written()).isEqualTo(2);
        }
    }

    @Nested
    @DisplayName("Long lines")
    class LongLines {

        @Test
        @DisplayName("a batch larger than the node's request limit is split into requests it accepts")
        void splitsLargeBatches() {
            OpenSearchLogBackend backend = start(config().maxRequestBytes(1024 * 1024).batchSize(1_000));
            String text = "x".repeat(200_000);
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 40; i++) { // about 8 MB, the node takes at most 2 MB a request
                backend.log(line(i + text, "web", LogLevel.INFO, Instant.now()));
                expected.add(i + text);
            }
            backend.flush();

            assertThat(texts(backend.getLogs(LogQuery.all()))).containsExactlyElementsOf(expected);
            assertThat(backend.failedRequests()).isZero();
        }

        @Test
        @DisplayName("a request the node still finds too large is split; a single message over the limit is rejected, not retried forever")
        void oversizedMessageIsRejected() {
            // The estimate allows 10 MiB a request; the node takes 2 MB.
            OpenSearchLogBackend backend = start(config().batchSize(1_000));
            backend.log(line("small before", "web", LogLevel.INFO, Instant.now()));
            for (int i = 0; i < 6; i++) {
                backend.log(line(i + "x".repeat(500_000), "web", LogLevel.INFO, Instant.now()));
            }
            backend.log(line("y".repeat(3_000_000), "web", LogLevel.INFO, Instant.now()));
            backend.log(line("small after", "web", LogLevel.INFO, Instant.now()));
            backend.flush();

            assertThat(backend.count()).isEqualTo(8);
            assertThat(backend.statistics().rejected()).isEqualTo(1);
            assertThat(texts(backend.getLogs(LogQuery.builder().limit(1).build()))).containsExactly("small after");
        }
    }

    @Nested
    @DisplayName("Authentication")
    class Authentication {

        @Test
        @DisplayName("sends the configured basic credentials with every request")
        void basicAuth() throws Exception {
            try (TcpForwarder proxy = new TcpForwarder()) {
                proxy.start();
                OpenSearchLogBackend backend = start(config().endpoints(proxy.url()).basicAuth("fleet", "s3cret"));
                backend.log(line("hello", "web", LogLevel.INFO, Instant.now()));
                backend.flush();
                assertThat(backend.count()).isEqualTo(1);
                String expected = "Authorization: Basic "
                        + Base64.getEncoder().encodeToString("fleet:s3cret".getBytes(StandardCharsets.UTF_8));
                assertThat(proxy.requests()).containsIgnoringCase(expected);
                assertThat(IntStream.of(proxy.requests().split("HTTP/1.1\r\n").length)).allMatch(n -> n > 1);
            }
        }
    }
}

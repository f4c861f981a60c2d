package io.containerlogging.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.containerlogging.core.LogId;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.core.SourceType;
import io.containerlogging.local.LocalLogBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Forwarder: stored messages to a sink, from a durable cursor")
class ForwarderTest {

    private static final Instant T0 = Instant.now().minusSeconds(3600);
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    /** A ring far smaller than the floods, and files small enough to rotate and be compressed. */
    private LocalLogBackend backend(LocalLogBackend.Builder builder) throws Exception {
        LocalLogBackend backend = builder.enableFilePersistence(true).logDir(dir).maxLogs(100)
                .maxFileSize(32 * 1024).flushInterval(Duration.ofMillis(20)).build();
        backend.initialize();
        return backend;
    }

    private LocalLogBackend backend() throws Exception {
        return backend(LocalLogBackend.builder());
    }

    private static LogMessage line(int i, LogLevel level, String service) {
        return LogMessage.builder().message("line-" + i).timestamp(T0.plusMillis(i)).level(level)
                .source(new io.containerlogging.core.LogSource(SourceType.CONTAINER, service))
                .serviceName(service).containerId("c0ffee" + service).build();
    }

    private static void flood(LocalLogBackend backend, int from, int to) {
        for (int i = from; i < to; i++) {
            backend.log(line(i, i % 10 == 0 ? LogLevel.ERROR : LogLevel.INFO, i % 3 == 0 ? "web" : "db"));
        }
    }

    /** The container lines received, by number, asserting id order and no duplicates. */
    private static List<Integer> lines(RecordingSink sink) {
        List<LogMessage> received = sink.received().stream()
                .filter(m -> m.message().startsWith("line-")).collect(Collectors.toList());
        long previous = 0;
        for (LogMessage message : received) {
            long sequence = LogId.sequence(message.id());
            assertThat(sequence).as("id order").isGreaterThan(previous);
            previous = sequence;
        }
        return received.stream().map(m -> Integer.parseInt(m.message().substring(5))).collect(Collectors.toList());
    }

    private static List<Integer> range(int from, int to) {
        return java.util.stream.IntStream.range(from, to).boxed().collect(Collectors.toList());
    }

    @Test
    @DisplayName("every line of a flood 50 times the ring, in id order, once; lines logged while it runs follow")
    void flood() throws Exception {
        try (LocalLogBackend backend = backend()) {
            flood(backend, 0, 5_000);
            RecordingSink sink = new RecordingSink();
            try (Forwarder forwarder = Forwarder.builder(backend, sink).name("all").batchSize(300).build()) {
                forwarder.start();
                flood(backend, 5_000, 8_000);
                await().atMost(WAIT).until(() -> lines(sink).size() >= 8_000);
                assertThat(lines(sink)).containsExactlyElementsOf(range(0, 8_000));
                assertThat(sink.batchSizes()).allMatch(size -> size <= 300);
                await().atMost(WAIT).until(() -> forwarder.status().state().equals("idle"));
                ForwarderStatus status = forwarder.status();
                assertThat(status.lagMessages()).isZero();
                assertThat(status.delivered()).isEqualTo(sink.size());
                assertThat(status.cursorId()).isEqualTo(backend.storedThrough());
            }
            assertThat(sink.closed).isTrue();
            assertThat(Files.readString(dir.resolve("forwarders/all.cursor"))).contains(backend.storedThrough());
        }
    }

    @Test
    @DisplayName("a sink that sends stored JSON gets each message's JSON as the encoder writes it, decoded only for a filter")
    void storedJson() throws Exception {
        try (LocalLogBackend backend = backend(LocalLogBackend.builder().deviceId("pi-9"))) {
            flood(backend, 0, 3_000);
            RecordingSink all = new RecordingSink(true);
            RecordingSink errors = new RecordingSink(true);
            try (Forwarder unfiltered = Forwarder.builder(backend, all).name("all").build();
                    Forwarder filtered = Forwarder.builder(backend, errors).name("errors")
                            .filter(LogQuery.builder().level(LogLevel.ERROR).build()).build()) {
                unfiltered.start();
                filtered.start();
                await().atMost(WAIT).until(() -> lines(all).size() >= 3_000 && lines(errors).size() >= 300);
                assertThat(lines(all)).containsExactlyElementsOf(range(0, 3_000));
                assertThat(lines(errors)).containsExactlyElementsOf(
                        range(0, 3_000).stream().filter(i -> i % 10 == 0).collect(Collectors.toList()));
                for (RecordingSink sink : List.of(all, errors)) {
                    List<LogMessage> received = sink.received();
                    List<byte[]> json = sink.json();
                    for (int i = 0; i < received.size(); i++) {
                        assertThat(new String(json.get(i), java.nio.charset.StandardCharsets.UTF_8))
                                .isEqualTo(io.containerlogging.core.LogJson.toJson(received.get(i)));
                        assertThat(received.get(i).deviceId()).isEqualTo("pi-9");
                    }
                }
                assertThat(all.decodedOnArrival()).as("nothing decoded without a filter").containsOnly(false);
                assertThat(errors.decodedOnArrival()).as("decoded for the filter").containsOnly(true);
                assertThat(filtered.status().filtered()).isEqualTo(2_700);
            }
        }
    }

    @Test
    @DisplayName("an offline sink: the same batch is retried, lag and the error are shown, and it catches up when back")
    void offlineSink() throws Exception {
        try (LocalLogBackend backend = backend()) {
            RecordingSink sink = new RecordingSink();
            sink.offline = true;
            try (Forwarder forwarder = Forwarder.builder(backend, sink).name("offline")
                    .retryDelay(Duration.ofMillis(10), Duration.ofMillis(50)).build()) {
                forwarder.start();
                flood(backend, 0, 3_000);
                await().atMost(WAIT).until(() -> forwarder.status().retried() >= 3
                        && forwarder.status().lagMessages() >= 3_000);
                ForwarderStatus down = forwarder.status();
                assertThat(down.state()).isEqualTo("retrying");
                assertThat(down.lastError()).isEqualTo("receiver offline");
                assertThat(down.lastErrorAt()).isNotNull();
                assertThat(down.delivered()).isZero();
                assertThat(down.lagSeconds()).isGreaterThan(0);
                assertThat(sink.size()).isZero();

                sink.offline = false;
                await().atMost(WAIT).until(() -> lines(sink).size() >= 3_000);
                assertThat(lines(sink)).containsExactlyElementsOf(range(0, 3_000));
            }
        }
    }

    @Test
    @DisplayName("a restart of backend and forwarder resumes at the cursor: nothing lost, nothing twice")
    void restart() throws Exception {
        RecordingSink sink = new RecordingSink();
        try (LocalLogBackend backend = backend()) {
            flood(backend, 0, 4_000);
            try (Forwarder forwarder = Forwarder.builder(backend, sink).name("resume").batchSize(100).build()) {
                forwarder.start();
                await().atMost(WAIT).until(() -> sink.size() >= 1_000);
            }
            flood(backend, 4_000, 5_000); // while the forwarder is stopped
        }
        try (LocalLogBackend backend = backend()) {
            flood(backend, 5_000, 6_000);
            try (Forwarder forwarder = Forwarder.builder(backend, sink).name("resume").batchSize(100).build()) {
                forwarder.start();
                await().atMost(WAIT).until(() -> lines(sink).size() >= 6_000);
                assertThat(lines(sink)).containsExactlyElementsOf(range(0, 6_000));
            }
        }
    }

    @Test
    @DisplayName("a filter forwards only what it matches; the cursor moves past the rest")
    void filter() throws Exception {
        try (LocalLogBackend backend = backend()) {
            flood(backend, 0, 3_000);
            RecordingSink sink = new RecordingSink();
            LogQuery errorsOfWeb = LogQuery.builder().serviceName("web").level(LogLevel.ERROR)
                    .limit(5).build(); // the limit is not a filter: ignored
            try (Forwarder forwarder = Forwarder.builder(backend, sink).name("web-errors").filter(errorsOfWeb).build()) {
                forwarder.start();
                List<Integer> expected = range(0, 3_000).stream().filter(i -> i % 30 == 0).collect(Collectors.toList());
                await().atMost(WAIT).until(() -> lines(sink).size() >= expected.size()
                        && forwarder.status().lagMessages() == 0);
                assertThat(lines(sink)).containsExactlyElementsOf(expected);
                assertThat(forwarder.status().filtered()).isEqualTo(3_000 - expected.size());
                assertThat(forwarder.status().cursorId()).isEqualTo(backend.storedThrough());
            }
        }
    }

    @Test
    @DisplayName("a rate limit holds deliveries back and batches the rest: nothing dropped")
    void rateLimit() throws Exception {
        try (LocalLogBackend backend = backend()) {
            RecordingSink sink = new RecordingSink();
            try (Forwarder forwarder = Forwarder.builder(backend, sink).name("alerts").batchSize(10_000)
                    .maxDeliveries(1, Duration.ofSeconds(1)).build()) {
                forwarder.start();
                for (int round = 0; round < 6; round++) {
                    flood(backend, round * 200, round * 200 + 200);
                    backend.flush();
                    Thread.sleep(200); // a trickle over ~1.2 s: unlimited, it would be several deliveries
                }
                await().atMost(WAIT).until(() -> lines(sink).size() >= 1_200);
                assertThat(lines(sink)).containsExactlyElementsOf(range(0, 1_200));
                List<Long> times = sink.deliveryNanos();
                for (int i = 1; i < times.size(); i++) {
                    assertThat(times.get(i) - times.get(i - 1)).as("gap before delivery %d", i)
                            .isGreaterThanOrEqualTo(Duration.ofMillis(990).toNanos());
                }
                assertThat(sink.batchSizes()).as("held back messages ride along").anyMatch(size -> size > 200);
            }
        }
    }

    @Test
    @DisplayName("two forwarders side by side, each with its own cursor")
    void sideBySide() throws Exception {
        try (LocalLogBackend backend = backend()) {
            flood(backend, 0, 2_000);
            RecordingSink first = new RecordingSink();
            RecordingSink second = new RecordingSink();
            second.offline = true;
            try (Forwarder a = Forwarder.builder(backend, first).name("a").build();
                    Forwarder b = Forwarder.builder(backend, second).name("b")
                            .retryDelay(Duration.ofMillis(10), Duration.ofMillis(20)).build()) {
                a.start();
                b.start();
                await().atMost(WAIT).until(() -> lines(first).size() >= 2_000);
                assertThat(b.status().delivered()).isZero();
                second.offline = false;
                await().atMost(WAIT).until(() -> lines(second).size() >= 2_000);
                assertThat(lines(second)).containsExactlyElementsOf(lines(first));
            }
            assertThat(Files.list(dir.resolve("forwarders")).map(p -> p.getFileName().toString()))
                    .contains("a.cursor", "b.cursor");
        }
    }

    @Test
    @DisplayName("files the disk budget deletes before they are forwarded are counted and reported as a system message")
    void missedAreReported() throws Exception {
        try (LocalLogBackend backend = backend(LocalLogBackend.builder().maxTotalSize(96 * 1024)
                .compressRotatedFiles(false))) {
            RecordingSink sink = new RecordingSink();
            sink.offline = true;
            try (Forwarder forwarder = Forwarder.builder(backend, sink).name("late")
                    .retryDelay(Duration.ofMillis(10), Duration.ofMillis(20)).batchSize(50).build()) {
                forwarder.start();
                flood(backend, 0, 10_000); // ~700 KB: most files go to the budget
                backend.flush();
                await().atMost(WAIT).until(() -> forwarder.status().missed() > 0);
                sink.offline = false;
                await().atMost(WAIT).until(() -> forwarder.status().lagMessages() == 0);
                ForwarderStatus status = forwarder.status();
                List<Integer> received = lines(sink);
                // Every id of this run (lines, and the budget's own reports) was delivered or counted as missed.
                assertThat(sink.size() + status.missed()).as("delivered + missed")
                        .isEqualTo(LogId.sequence(backend.storedThrough()));
                assertThat(status.missed()).isLessThan(10_000);
                assertThat(new HashSet<>(received)).hasSize(received.size());
                List<LogMessage> reports = backend.getLogs(LogQuery.builder()
                        .sourceType(SourceType.SYSTEM).search("before being forwarded").build());
                assertThat(reports).isNotEmpty();
                assertThat(reports.get(0).message()).contains("Forwarder 'late' to recording://test");
            }
        }
    }

    @Test
    @DisplayName("messages the receiver refuses for good are reported and passed over, not retried forever")
    void rejectedMessages() throws Exception {
        try (LocalLogBackend backend = backend()) {
            for (int i = 0; i < 1_000; i++) {
                backend.log(line(i, LogLevel.INFO, i % 250 == 7 ? "poison" : "web"));
            }
            // Stored before the forwarder starts: a lag of 0 then means all of them (before the
            // flush it can mean "all the writer has forced so far", a race a fast forwarder won).
            backend.flush();
            RecordingSink sink = new RecordingSink();
            sink.poison = "line-7"; // line-7, line-70..79, line-700..799 and so on: refused wherever they come
            try (Forwarder forwarder = Forwarder.builder(backend, sink).name("picky").batchSize(100).build()) {
                forwarder.start();
                await().atMost(WAIT).until(() -> forwarder.status().lagMessages() == 0);
                List<Integer> expected = range(0, 1_000).stream().filter(i -> !("line-" + i).contains("line-7"))
                        .collect(Collectors.toList());
                assertThat(lines(sink)).containsExactlyElementsOf(expected);
                ForwarderStatus status = forwarder.status();
                assertThat(status.rejected()).isEqualTo(1_000 - expected.size());
                assertThat(status.retried()).as("refusals for good are not retried").isZero();
                List<LogMessage> reports = backend.getLogs(LogQuery.builder().sourceType(SourceType.SYSTEM)
                        .search("refused for good").build());
                assertThat(reports).isNotEmpty();
                assertThat(reports.get(0).message()).contains("Forwarder 'picky'").contains("log-8");
            }
        }
    }

    @Test
    @DisplayName("configuration is checked when built")
    void configuration() throws Exception {
        RecordingSink sink = new RecordingSink();
        try (LocalLogBackend memory = LocalLogBackend.builder().build()) {
            memory.initialize();
            assertThatThrownBy(() -> Forwarder.builder(memory, sink).name("x").build())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("enableFilePersistence");
        }
        try (LocalLogBackend backend = backend()) {
            assertThatThrownBy(() -> Forwarder.builder(backend, sink).build())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("name");
            assertThatThrownBy(() -> Forwarder.builder(backend, sink).name("../etc"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'../etc'");
            assertThatThrownBy(() -> Forwarder.builder(backend, sink).batchSize(0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
            Forwarder forwarder = Forwarder.builder(backend, sink).name("twice").build();
            forwarder.start();
            assertThatThrownBy(forwarder::start).isInstanceOf(IllegalStateException.class);
            forwarder.close();
            assertThat(forwarder.status().state()).isEqualTo("stopped");
        }
    }
}

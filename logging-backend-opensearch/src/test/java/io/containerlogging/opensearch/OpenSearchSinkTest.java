package io.containerlogging.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.containerlogging.core.LogId;
import io.containerlogging.core.forward.RejectedMessagesException;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.core.LogSource;
import io.containerlogging.testing.OpenSearchNode;
import io.containerlogging.testing.OpenSearchTest;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link OpenSearchSink} against the real node, read back through an {@link OpenSearchLogBackend}
 * on the same indices: the central API a fleet's devices forward to.
 */
@OpenSearchTest
@Timeout(180)
class OpenSearchSinkTest {

    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    private final String prefix = "sink-" + PREFIXES.incrementAndGet();
    private final List<AutoCloseable> opened = new ArrayList<>();
    private OpenSearchLogBackend central;

    @BeforeEach
    void startCentral() throws IOException {
        central = OpenSearchLogBackend.builder().endpoints(OpenSearchNode.url()).indexPrefix(prefix)
                .deviceId("central").build();
        opened.add(central);
        central.initialize();
    }

    @AfterEach
    void closeAndDelete() throws Exception {
        for (AutoCloseable closeable : opened) {
            closeable.close();
        }
        OpenSearchNode.deleteIndices(prefix);
    }

    private OpenSearchSink sink() {
        OpenSearchSink sink = OpenSearchSink.builder().endpoints(OpenSearchNode.url()).indexPrefix(prefix)
                .connectTimeout(Duration.ofSeconds(2)).requestTimeout(Duration.ofSeconds(10)).build();
        opened.add(sink);
        return sink;
    }

    /** Messages {@code from..to} (inclusive) of a device, as its local backend numbers them. */
    private static List<LogMessage> batch(String device, long from, long to) {
        return LongStream.rangeClosed(from, to).mapToObj(n -> LogMessage.builder().id(LogId.format(n))
                .message(device + " line " + n + " \"quoted\" \u00e9\ttab").timestamp(T0.plusMillis(n))
                .level(n % 10 == 0 ? LogLevel.ERROR : LogLevel.INFO).source(LogSource.container("web"))
                .serviceId(1).serviceName("web").containerId("c-web").deviceId(device).build())
                .collect(Collectors.toList());
    }

    private static List<List<LogMessage>> flood(String device, int batches, int size) {
        List<List<LogMessage>> flood = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
            flood.add(batch(device, (long) b * size + 1, (long) (b + 1) * size));
        }
        return flood;
    }

    private long count(String device) {
        central.flush();
        return central.count(LogQuery.builder().deviceId(device).build());
    }

    /** The sequence numbers of {@code device}'s messages, as the central backend lists them. */
    private List<Long> sequences(String device) {
        central.flush();
        return central.getLogs(LogQuery.builder().deviceId(device).build()).stream()
                .map(m -> LogId.sequence(m.id())).collect(Collectors.toList());
    }

    /** The same, paged with deviceId and afterId from the first message on, as a poller reads. */
    private List<Long> pagedSequences(String device) {
        central.flush();
        List<Long> sequences = new ArrayList<>(List.of(1L));
        String after = LogId.format(1);
        while (true) {
            List<LogMessage> page = central.getLogs(LogQuery.builder().deviceId(device).afterId(after).limit(1_000).build());
            if (page.isEmpty()) {
                return sequences;
            }
            page.forEach(m -> sequences.add(LogId.sequence(m.id())));
            after = page.get(page.size() - 1).id();
        }
    }

    private static List<Long> oneTo(long n) {
        return LongStream.rangeClosed(1, n).boxed().collect(Collectors.toList());
    }

    @Test
    @DisplayName("delivers every message of a flood once, readable as sent through the central backend")
    void flood() throws IOException {
        OpenSearchSink sink = sink();
        for (List<LogMessage> batch : flood("pi-01", 20, 500)) {
            sink.deliver(batch);
        }
        assertThat(count("pi-01")).isEqualTo(10_000);
        assertThat(sequences("pi-01")).isEqualTo(oneTo(10_000));
        assertThat(pagedSequences("pi-01")).isEqualTo(oneTo(10_000));
        LogMessage sent = batch("pi-01", 4_321, 4_321).get(0);
        List<LogMessage> read = central.getLogs(LogQuery.builder().deviceId("pi-01").afterId(LogId.format(4_320))
                .limit(1).build());
        assertThat(read).containsExactly(sent);
        assertThat(central.count(LogQuery.builder().deviceId("pi-01").levels(java.util.Set.of(LogLevel.ERROR)).build()))
                .isEqualTo(1_000);
    }

    @Test
    @DisplayName("a batch delivered again overwrites its documents: the count stays")
    void redeliveryDoesNotDuplicate() throws IOException {
        OpenSearchSink sink = sink();
        List<LogMessage> batch = batch("pi-01", 1, 500);
        sink.deliver(batch);
        sink.deliver(batch);
        sink.deliver(batch.subList(100, 300)); // a partly acknowledged batch, as after a crash
        assertThat(count("pi-01")).isEqualTo(500);
        assertThat(sequences("pi-01")).isEqualTo(oneTo(500));
    }

    @Test
    @DisplayName("two devices with the same log ids keep their own documents, counted per device exactly")
    void devicesDoNotOverwriteEachOther() throws IOException {
        OpenSearchSink sink = sink();
        sink.deliver(batch("pi-01", 1, 300));
        sink.deliver(batch("pi-02", 1, 200));
        sink.deliver(batch(null, 1, 50));
        assertThat(count("pi-01")).isEqualTo(300);
        assertThat(count("pi-02")).isEqualTo(200);
        assertThat(central.count()).isEqualTo(550);
        assertThat(sequences("pi-02")).isEqualTo(oneTo(200));
        assertThat(central.getLogs(LogQuery.builder().deviceId("pi-02").search("line 17 ").build()))
                .extracting(LogMessage::message).containsExactly("pi-02 line 17 \"quoted\" \u00e9\ttab");
    }

    // Regression: the central backend paged by seq alone, and a page that ended between
    // documents of several devices with the same seq lost the rest of them.
    @Test
    @DisplayName("the central backend pages over documents of several devices that share sequence numbers")
    void pagesOverSharedSequences() throws IOException {
        OpenSearchSink sink = sink();
        for (String device : List.of("pi-01", "pi-02", "pi-03")) {
            for (List<LogMessage> batch : flood(device, 8, 500)) {
                sink.deliver(batch);
            }
        }
        central.flush();
        // 12 000 documents, 3 per seq: the first page of 10 000 ends inside the group of seq 3 334.
        List<LogMessage> all = central.getLogs(LogQuery.all());
        assertThat(all).hasSize(12_000);
        assertThat(all.stream().map(m -> m.deviceId() + ":" + m.id()).distinct().count()).isEqualTo(12_000);
    }

    @Test
    @DisplayName("the node stopped mid-flood: deliver throws while it is down, then every message is there once")
    void nodeStoppedMidFlood() throws IOException {
        OpenSearchSink sink = sink();
        List<List<LogMessage>> flood = flood("pi-01", 10, 500);
        for (int b = 0; b < 4; b++) {
            sink.deliver(flood.get(b));
        }
        OpenSearchNode.stopNode();
        try {
            assertThatThrownBy(() -> sink.deliver(flood.get(4))).isInstanceOf(IOException.class)
                    .hasMessageContaining("opensearch+http://localhost:" + OpenSearchNode.HTTP_PORT);
        } finally {
            OpenSearchNode.restart();
        }
        // The forwarder delivers the failed batch again, then the rest; one batch twice on top.
        for (int b = 4; b < 10; b++) {
            sink.deliver(flood.get(b));
        }
        sink.deliver(flood.get(3));
        assertThat(count("pi-01")).isEqualTo(5_000);
        assertThat(sequences("pi-01")).isEqualTo(oneTo(5_000));
    }

    @Test
    @DisplayName("an item OpenSearch refuses for good is named in a RejectedMessagesException; the others are stored")
    void refusedItemThrows() throws IOException {
        OpenSearchSink sink = sink();
        List<LogMessage> batch = new ArrayList<>(batch("pi-01", 1, 3));
        // date_nanos holds 1970..2262 only: OpenSearch refuses this one item, whatever the retries
        batch.set(1, batch.get(1).toBuilder().timestamp(Instant.parse("1960-01-01T00:00:00Z")).build());
        assertThatThrownBy(() -> sink.deliver(batch)).isInstanceOf(RejectedMessagesException.class)
                .hasMessageContaining("refused 1 of 3").hasMessageContaining("log-2").hasMessageContaining("400")
                .satisfies(e -> assertThat(((RejectedMessagesException) e).rejectedIds()).containsExactly("log-2"));
        assertThat(sequences("pi-01")).containsExactly(1L, 3L);
    }

    @Test
    @DisplayName("a batch of long lines is split into requests below the node's limit, all delivered")
    void longLinesSplit() throws IOException {
        OpenSearchSink sink = OpenSearchSink.builder().endpoints(OpenSearchNode.url()).indexPrefix(prefix)
                .maxRequestBytes(1024 * 1024).build();
        opened.add(sink);
        String line = "x".repeat(200_000);
        // ~2.4 MB in all, above the node's 2 MB http.max_content_length
        List<LogMessage> batch = batch("pi-01", 1, 12).stream()
                .map(m -> m.toBuilder().message(line).build()).collect(Collectors.toList());
        sink.deliver(batch);
        assertThat(count("pi-01")).isEqualTo(12);
    }
}

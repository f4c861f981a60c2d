package io.containerlogging.forward.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.containerlogging.core.LogJson;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.forward.StoredMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link KafkaSink} against a real KRaft broker in a child JVM ({@link KafkaBroker}); skipped when
 * no broker can start, unless {@code -Dkafka.required=true}.
 */
@Tag("kafka")
@DisplayName("KafkaSink against a real broker")
class KafkaSinkBrokerTest {

    private static final int BATCH = 500;
    private static final int MAX_RECORD_BYTES = 300_000;
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(3);

    private static KafkaBroker broker;
    private static Exception brokerFailure;

    // Started before the first test rather than in @BeforeAll, so that a broker that cannot start
    // shows as each test skipped with the reason (a class-level abort reports no tests at all).
    @BeforeEach
    void startBroker() {
        if (broker == null && brokerFailure == null) {
            try {
                broker = KafkaBroker.start();
            } catch (IOException | RuntimeException e) {
                brokerFailure = e;
            }
        }
        if (broker == null) {
            KafkaBroker.skipUnlessRequired(brokerFailure);
        }
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private static KafkaSink sink(String topic) {
        return KafkaSink.builder()
                .bootstrapServers(List.of(broker.bootstrapServers()))
                .topic(topic)
                .deliveryTimeout(DELIVERY_TIMEOUT)
                .maxRecordBytes(MAX_RECORD_BYTES)
                .build();
    }

    private static List<List<LogMessage>> batches(List<LogMessage> messages) {
        List<List<LogMessage>> batches = new ArrayList<>();
        for (int i = 0; i < messages.size(); i += BATCH) {
            batches.add(messages.subList(i, Math.min(messages.size(), i + BATCH)));
        }
        return batches;
    }

    private static String wire(LogMessage message) {
        // What the local files hold: the JSON wire form in UTF-8.
        return new String(LogJson.toJson(message).getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "as stored JSON: {0}")
    @ValueSource(booleans = {false, true})
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    @DisplayName("every message of a hostile flood arrives once, keyed device/id, its value the JSON wire form, in id order;"
            + " the same records whether delivered decoded or as stored JSON")
    void floodArrivesOnce(boolean storedJson) throws IOException {
        // 50 000 messages; some close to the record limit, one over it (cut to fit and marked).
        List<Long> large = List.of(1_000L, 20_000L, 35_000L, 49_999L);
        List<LogMessage> messages = new ArrayList<>(Flood.messages("edge-1", 1, 50_000, large, 140_000));
        messages.set(30_000, messages.get(30_000).toBuilder().message("x".repeat(MAX_RECORD_BYTES)).build());
        LogMessage oversized = messages.get(30_000);
        String topic = storedJson ? "flood-stored" : "flood";
        try (KafkaSink sink = sink(topic)) {
            assertThat(sink.sendsStoredJson()).isTrue();
            for (List<LogMessage> batch : batches(messages)) {
                if (storedJson) {
                    List<StoredMessage> stored = new ArrayList<>();
                    for (LogMessage message : batch) {
                        byte[] line = wire(message).getBytes(StandardCharsets.UTF_8);
                        stored.add(StoredMessage.fromStoredLine(line, 0, line.length));
                    }
                    sink.deliverStored(stored);
                } else {
                    sink.deliver(batch);
                }
            }
            assertThat(sink.truncatedMessages()).isEqualTo(1);
        }

        List<TopicReader.Read> reads = TopicReader.readAll(broker.bootstrapServers(), topic);
        assertThat(reads).hasSize(messages.size());
        Map<String, TopicReader.Read> byKey = reads.stream()
                .collect(Collectors.toMap(TopicReader.Read::key, Function.identity()));
        assertThat(byKey).hasSize(messages.size());
        for (LogMessage message : messages) {
            TopicReader.Read read = byKey.get("edge-1/" + message.id());
            assertThat(read).as("record of %s", message.id()).isNotNull();
            if (message == oversized) {
                LogMessage arrived = LogJson.fromJson(read.value());
                assertThat(arrived.message()).startsWith("xxxx").endsWith(" bytes]").contains(" [truncated ");
                assertThat(arrived.toBuilder().message(message.message()).build()).isEqualTo(message);
                assertThat(read.key().length() + read.value().length()).isLessThanOrEqualTo(MAX_RECORD_BYTES);
            } else {
                assertThat(read.value()).as("value of %s", message.id()).isEqualTo(wire(message));
                assertThat(LogJson.fromJson(read.value())).isEqualTo(message);
            }
        }
        // One device, one partition, so its messages are in id order.
        assertThat(reads.stream().map(TopicReader.Read::partition).distinct()).hasSize(1);
        assertThat(reads.stream().map(r -> Long.parseLong(r.key().substring(r.key().lastIndexOf("/log-") + 5))))
                .isSorted();
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    @DisplayName("a broker stopped mid-flood makes deliver throw; after its restart every message is there, duplicates only from failed batches")
    void brokerStoppedMidFlood() throws Exception {
        List<LogMessage> messages = Flood.messages("edge-2", 1, 50_000, List.of(), 0);
        List<List<LogMessage>> batches = batches(messages);
        Map<Integer, Integer> failures = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<Duration> failedAfter = new ConcurrentLinkedQueue<>();
        AtomicInteger acknowledged = new AtomicInteger();
        AtomicReference<Throwable> crashed = new AtomicReference<>();

        // A forwarder's loop: each batch until deliver returns, a short pause after each failure.
        Thread forwarder = new Thread(() -> {
            try (KafkaSink sink = sink("restart")) {
                for (int i = 0; i < batches.size(); i++) {
                    while (true) {
                        long started = System.nanoTime();
                        try {
                            sink.deliver(batches.get(i));
                            acknowledged.incrementAndGet();
                            break;
                        } catch (IOException e) {
                            failedAfter.add(Duration.ofNanos(System.nanoTime() - started));
                            failures.merge(i, 1, Integer::sum);
                            Thread.sleep(200); // the point: a forwarder's pause before it delivers again
                        }
                    }
                }
            } catch (Throwable e) {
                crashed.set(e);
            }
        }, "test-forwarder");
        forwarder.start();

        await().atMost(Duration.ofMinutes(2)).until(() -> acknowledged.get() >= 20);
        broker.stop(); // the broker's JVM ends: a real stop, not a simulated one
        await().atMost(Duration.ofMinutes(2)).until(() -> failedAfter.size() >= 3);
        int acknowledgedWhileDown = acknowledged.get();
        broker.restart();
        forwarder.join(TimeUnit.MINUTES.toMillis(3));
        assertThat(forwarder.isAlive()).isFalse();
        assertThat(crashed.get()).isNull();
        assertThat(acknowledged.get()).isEqualTo(batches.size());
        assertThat(acknowledgedWhileDown).isLessThan(batches.size());
        // deliver gave up within the bound (delivery timeout for metadata, then for records), never
        // the client's default 2 minutes
        assertThat(failedAfter).allSatisfy(d -> assertThat(d).isLessThan(DELIVERY_TIMEOUT.multipliedBy(2).plusSeconds(5)));

        List<TopicReader.Read> reads = TopicReader.readAll(broker.bootstrapServers(), "restart");
        Map<String, Integer> copies = new HashMap<>();
        for (TopicReader.Read read : reads) {
            copies.merge(read.key(), 1, Integer::sum);
        }
        for (int i = 0; i < batches.size(); i++) {
            int allowed = 1 + failures.getOrDefault(i, 0); // one extra copy per failed attempt at most
            for (LogMessage message : batches.get(i)) {
                assertThat(copies.get("edge-2/" + message.id()))
                        .as("copies of %s (batch %d, %d failed attempts)", message.id(), i, allowed - 1)
                        .isNotNull()
                        .isBetween(1, allowed);
            }
        }
        assertThat(copies).hasSize(messages.size());
        long duplicates = reads.size() - messages.size();
        assertThat(duplicates).isLessThanOrEqualTo((long) BATCH * failures.values().stream().mapToInt(x -> x).sum());
        System.out.printf("broker restart: %d failed deliveries over %d batches, %d duplicates%n",
                failedAfter.size(), failures.size(), duplicates);
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    @DisplayName("close() ends the producer's network thread")
    void closeStopsThreads() throws IOException {
        KafkaSink sink = sink("close");
        sink.deliver(Flood.messages("edge-3", 1, 10, List.of(), 0));
        assertThat(producerThreads()).isNotEmpty();
        sink.close();
        sink.close();
        assertThat(producerThreads()).isEmpty();
        assertThatThrownBy(() -> sink.deliver(Flood.messages("edge-3", 11, 1, List.of(), 0)))
                .isInstanceOf(IllegalStateException.class);
    }

    private static List<String> producerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .map(Thread::getName)
                .filter(name -> name.startsWith("kafka-producer-network-thread"))
                .toList();
    }
}

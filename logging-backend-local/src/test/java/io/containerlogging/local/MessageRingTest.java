package io.containerlogging.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containerlogging.core.LevelSource;
import io.containerlogging.core.LogFields;
import io.containerlogging.core.LogId;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.core.LogSource;
import io.containerlogging.core.SourceType;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The compact ring: messages kept in columns and shared shapes come back exactly as they were
 * logged, whether a query finds them among the most recent (kept whole) or builds them from the
 * columns, and every filter decides as {@link LogQuery#matches} does on the messages themselves.
 */
class MessageRingTest {

    private static final Instant T0 = Instant.parse("2026-01-02T03:04:05.123456789Z");
    // Beyond the recent window, so that most messages are built from the columns.
    private static final int MANY = MessageRing.RECENT_MESSAGES * 2;

    private static LogMessage varied(int i) {
        int service = i % 7;
        return LogMessage.builder()
                .message(i % 11 == 0 ? "Timeout after " + i + " ms" : "GET /orders/" + i + " 200")
                .timestamp(T0.plusNanos(i * 1_001L))
                .level(LogLevel.values()[i % LogLevel.values().length])
                .source(i % 13 == 0 ? LogSource.SYSTEM : LogSource.container("svc-" + service))
                .serviceId(i % 13 == 0 ? null : service)
                .serviceName(i % 13 == 0 ? null : "svc-" + service)
                .containerId(i % 13 == 0 ? null : ("c" + service).repeat(10))
                .stdErr(i % 3 == 0)
                .system(i % 13 == 0)
                .deviceId(i % 5 == 0 ? "pi-" + (i % 2) : null)
                .levelSource(i % 4 == 0 ? LevelSource.JSON : null)
                .fields(i % 4 == 0 ? LogFields.builder().put("status", (long) (i % 3 == 0 ? 500 : 200))
                        .put("user", "u" + (i % 9)).build() : null)
                .build();
    }

    /** Appends {@code messages} as log() would (id from the sequence, the message's device id). */
    private static List<LogMessage> store(MessageRing ring, List<LogMessage> messages) {
        List<LogMessage> stored = new ArrayList<>();
        long sequence = 0;
        for (LogMessage message : messages) {
            sequence += 1 + sequence % 3; // ids with gaps, as after a reload
            ring.writeLock().lock();
            try {
                stored.add(ring.append(message, LogId.format(sequence), message.deviceId(), sequence));
            } finally {
                ring.writeLock().unlock();
            }
        }
        return stored;
    }

    private static List<LogMessage> variedMessages(int count) {
        List<LogMessage> messages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            messages.add(varied(i));
        }
        return messages;
    }

    @Nested
    @DisplayName("returns messages")
    class Returns {

        @Test
        @DisplayName("equal to those logged, every field included, within and beyond the recent window")
        void identical() {
            MessageRing ring = new MessageRing(MANY);
            List<LogMessage> stored = store(ring, variedMessages(MANY));

            List<LogMessage> all = ring.query(LogQuery.all());

            assertThat(all).hasSize(MANY);
            assertThat(all).containsExactlyElementsOf(stored);
            assertThat(all.get(0).fields().text("status")).isEqualTo("500");
            assertThat(all.get(0).levelSource()).isEqualTo(LevelSource.JSON);
            assertThat(all.get(0).deviceId()).isEqualTo("pi-0");
            assertThat(all.get(13).serviceId()).isNull();
            assertThat(all.get(13).containerId()).isNull();
            assertThat(all.get(13).levelSource()).isEqualTo(LevelSource.EXPLICIT);
        }

        @Test
        @DisplayName("with timestamps beyond 64-bit nanoseconds exact, and filtered by them exactly")
        void extremeTimestamps() {
            MessageRing ring = new MessageRing(10);
            Instant ancient = Instant.parse("1000-01-01T00:00:00.000000001Z");
            Instant far = Instant.parse("3000-01-01T00:00:00.999999999Z");
            List<LogMessage> stored = store(ring, List.of(
                    LogMessage.system("ancient", LogLevel.INFO, ancient),
                    LogMessage.system("now", LogLevel.INFO, T0),
                    LogMessage.system("far", LogLevel.INFO, far)));

            assertThat(ring.query(LogQuery.all())).containsExactlyElementsOf(stored);
            assertThat(texts(ring.query(LogQuery.builder().since(ancient.plusNanos(1)).build())))
                    .containsExactly("now", "far");
            assertThat(texts(ring.query(LogQuery.builder().until(far).build()))).containsExactly("ancient", "now");
            assertThat(texts(ring.query(LogQuery.builder().since(far).build()))).containsExactly("far");
            assertThat(ring.removeOlderThan(T0)).isEqualTo(1);
            assertThat(texts(ring.query(LogQuery.all()))).containsExactly("now", "far");
        }
    }

    @Nested
    @DisplayName("filters")
    class Filters {

        @Test
        @DisplayName("as LogQuery.matches decides on the messages themselves, for every kind of criterion")
        void sameAsMatches() {
            MessageRing ring = new MessageRing(MANY);
            List<LogMessage> stored = store(ring, variedMessages(MANY));
            List<LogQuery> queries = List.of(
                    LogQuery.builder().serviceName("svc-3").level(LogLevel.ERROR).build(),
                    LogQuery.builder().serviceId(2).build(),
                    LogQuery.builder().containerId("c4c4").build(),
                    LogQuery.builder().containerId(("c5").repeat(10)).level(LogLevel.WARN).level(LogLevel.DEBUG).build(),
                    LogQuery.builder().sourceType(SourceType.SYSTEM).build(),
                    LogQuery.builder().deviceId("pi-1").build(),
                    LogQuery.builder().search("timeout").build(),
                    LogQuery.builder().exclude("GET").serviceName("svc-1").build(),
                    LogQuery.builder().regex("orders/\\d*7 ").build(),
                    LogQuery.builder().fields(java.util.Map.of("status", "500")).build(),
                    LogQuery.builder().since(T0.plusNanos(1_001L * 1000)).until(T0.plusNanos(1_001L * 2000)).build(),
                    LogQuery.builder().serviceName("svc-6").since(T0.plusNanos(1_001L * (MANY - 3000))).build(),
                    LogQuery.builder().serviceName("nobody").build());
            for (LogQuery query : queries) {
                List<LogMessage> expected = stored.stream().filter(query::matches).collect(Collectors.toList());

                assertThat(ring.query(query)).as("%s", query).containsExactlyElementsOf(expected);
                assertThat(ring.count(query)).as("count %s", query).isEqualTo(expected.size());
                LogQuery newest = query.toBuilder().limit(50).build();
                assertThat(ring.query(newest)).as("%s", newest)
                        .containsExactlyElementsOf(expected.subList(Math.max(0, expected.size() - 50), expected.size()));
                if (expected.size() > 10) {
                    LogMessage cursor = expected.get(3);
                    LogQuery page = query.toBuilder().afterId(cursor.id()).limit(5).build();
                    assertThat(ring.query(page)).as("%s", page).containsExactlyElementsOf(expected.subList(4, 9));
                }
            }
        }
    }

    @Test
    @DisplayName("finds what a search asks for while slots are reused between searches (text sketches)")
    void searchesAcrossSlotReuse() {
        MessageRing ring = new MessageRing(500);
        java.util.Random random = new java.util.Random(11);
        String[] words = {"timeout", "TimeOut", "GET /orders", "ok", "\u212Aelvin", "kelvin", "retry", "ſtop", "STOP"};
        List<LogMessage> logged = new ArrayList<>();
        List<LogMessage> stored = new ArrayList<>();
        for (int round = 0; round < 20; round++) {
            List<LogMessage> batch = new ArrayList<>();
            for (int i = 0; i < 173; i++) { // not a divisor of the capacity: every round shifts the slots
                String text = words[random.nextInt(words.length)] + " " + random.nextInt(1000) + " "
                        + words[random.nextInt(words.length)];
                batch.add(LogMessage.builder().message(text).timestamp(T0.plusSeconds(logged.size())).build());
                logged.add(batch.get(batch.size() - 1));
            }
            stored.addAll(storeAfter(ring, batch, stored.isEmpty() ? 0
                    : LogId.trySequence(stored.get(stored.size() - 1).id())));
            List<LogMessage> held = stored.subList(Math.max(0, stored.size() - 500), stored.size());
            for (String search : List.of("timeout", "TimeOut", "kelvin", "stop", "orders 1", "ry")) {
                LogQuery query = LogQuery.builder().search(search).build();
                assertThat(ring.query(query)).as("round %d: %s", round, search)
                        .containsExactlyElementsOf(held.stream().filter(query::matches).collect(Collectors.toList()));
            }
        }
    }

    /** Appends {@code messages} with sequences following {@code lastSequence}. */
    private static List<LogMessage> storeAfter(MessageRing ring, List<LogMessage> messages, long lastSequence) {
        List<LogMessage> stored = new ArrayList<>();
        long sequence = lastSequence;
        for (LogMessage message : messages) {
            sequence++;
            ring.writeLock().lock();
            try {
                stored.add(ring.append(message, LogId.format(sequence), message.deviceId(), sequence));
            } finally {
                ring.writeLock().unlock();
            }
        }
        return stored;
    }

    @Nested
    @DisplayName("when full")
    class Eviction {

        @Test
        @DisplayName("evicts the oldest, and forgets the shapes and index keys no stored message has")
        void evicts() {
            MessageRing ring = new MessageRing(10);
            List<LogMessage> logged = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                logged.add(LogMessage.builder().message("m" + i).timestamp(T0).source(LogSource.container("svc" + i))
                        .serviceName("svc" + i).containerId(String.format("%064d", i)).build());
            }
            List<LogMessage> stored = store(ring, logged);

            assertThat(ring.query(LogQuery.all())).containsExactlyElementsOf(stored.subList(490, 500));
            assertThat(ring.count(LogQuery.builder().serviceName("svc5").build())).isZero();
            assertThat(ring.query(LogQuery.builder().serviceName("svc495").build())).containsExactly(stored.get(495));
            assertThat(ring.indexedKeys()).isLessThanOrEqualTo(2 * 2 * 10);
        }

        @Test
        @DisplayName("hands the writer every unwritten message once, as stored, and none that was removed")
        void drains() {
            MessageRing ring = new MessageRing(100);
            ring.reload(new ReloadedColumns(0), true); // persistence on: nothing reloaded
            List<LogMessage> stored = store(ring, variedMessages(30));
            ring.removeIf(1, Long.MAX_VALUE, message -> message.message().startsWith("Timeout"));

            List<LogMessage> batch = new ArrayList<>();
            assertThat(ring.drainUnwritten(batch, 1000)).isEqualTo(27);
            assertThat(batch).containsExactlyElementsOf(
                    stored.stream().filter(m -> !m.message().startsWith("Timeout")).collect(Collectors.toList()));
            assertThat(batch.get(0)).isSameAs(stored.get(1));
            assertThat(ring.drainUnwritten(new ArrayList<>(), 1000)).isZero();
        }
    }

    @Test
    @DisplayName("keeps no evicted message alive, though the recent window is larger than the ring")
    void evictedMessagesAreReleased() {
        MessageRing ring = new MessageRing(100); // recent window: 128
        List<WeakReference<LogMessage>> evicted = storeAndForget(ring, 200, 100);
        assertThat(ring.query(LogQuery.all())).hasSize(100);

        // Only what the ring's slots and its recent window still reference survives a collection.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            System.gc();
            assertThat(evicted).allSatisfy(reference -> assertThat(reference.get()).isNull());
        });
    }

    /** Stores {@code count} messages; weak references to the first {@code first}, nothing else kept. */
    private static List<WeakReference<LogMessage>> storeAndForget(MessageRing ring, int count, int first) {
        List<LogMessage> stored = store(ring, variedMessages(count));
        List<WeakReference<LogMessage>> references = new ArrayList<>();
        for (int i = 0; i < first; i++) {
            references.add(new WeakReference<>(stored.get(i)));
        }
        return references;
    }

    private static List<String> texts(List<LogMessage> messages) {
        return messages.stream().map(LogMessage::message).collect(Collectors.toList());
    }
}

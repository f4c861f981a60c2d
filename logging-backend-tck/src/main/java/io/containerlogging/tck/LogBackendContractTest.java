package io.containerlogging.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.containerlogging.core.BackendStatistics;
import io.containerlogging.core.LogBackend;
import io.containerlogging.core.LogId;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.core.LogSource;
import io.containerlogging.core.LogSubscriber;
import io.containerlogging.core.LogSubscription;
import io.containerlogging.core.SourceType;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every {@link LogBackend} must show, as one abstract JUnit 5 suite. A backend
 * runs it with a subclass that says how to build one:
 *
 * <pre>{@code
 * class MyBackendContractTest extends LogBackendContractTest {
 *     @Override
 *     protected LogBackend createBackend(Clock clock) {
 *         return MyBackend.builder().clock(clock).build();
 *     }
 * }
 * }</pre>
 *
 * <p>Before each test the suite creates a backend with a {@link MutableClock} (starting at
 * {@link #START}), calls {@link LogBackend#initialize()}, and closes it afterwards. The backend
 * must start empty, hold at least {@value #MIN_CAPACITY} messages, keep messages for at least a
 * day before its own retention removes them, take all of its time from the given clock, and have
 * no device id of its own (messages keep the one they arrive with).
 *
 * <p>The suite calls {@link LogBackend#flush()} before every read it asserts on, so a backend whose
 * writes become visible asynchronously is held to the same expectations as one whose reads see
 * writes at once.
 *
 * <p>Semantics pinned down here for all backends: ids are {@code log-N} with N strictly
 * increasing in storage order; results are oldest first; {@code limit} selects the newest
 * matching; {@code since} is inclusive and {@code until} exclusive at full (nanosecond)
 * precision; {@code cleanup(maxAge)} removes exactly the messages whose timestamp is before
 * {@code clock.instant() - maxAge}.
 */
public abstract class LogBackendContractTest {

    /** Where the test clock starts. */
    protected static final Instant START = Instant.parse("2026-03-01T12:00:00Z");

    /** The number of messages a backend under test must be able to hold. */
    protected static final int MIN_CAPACITY = 10_000;

    /** The clock given to {@link #createBackend(Clock)}; tests move it. */
    protected MutableClock clock;

    /** The backend under test, initialized. */
    protected LogBackend backend;

    /**
     * A new, empty, not yet initialized backend that takes its time from {@code clock}. Called
     * once before every test.
     */
    protected abstract LogBackend createBackend(Clock clock);

    @BeforeEach
    void createAndInitializeBackend() throws IOException {
        clock = new MutableClock(START);
        backend = createBackend(clock);
        backend.initialize();
    }

    @AfterEach
    void closeBackend() {
        if (backend != null) {
            backend.close();
        }
    }

    /** Awaitility polling briskly (the suite should stay fast), for at most 10 seconds. */
    protected static ConditionFactory eventually() {
        return await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5));
    }

    // ---- message fixtures ---------------------------------------------------------------------

    /** A container line of service {@code serviceName} at {@code timestamp}. */
    protected static LogMessage containerLine(String text, int serviceId, String serviceName,
            String containerId, LogLevel level, Instant timestamp) {
        return new LogMessage(null, text, timestamp, level, LogSource.container(serviceName),
                serviceId, serviceName, containerId, level == LogLevel.ERROR, false, null);
    }

    /** An info line of service 1 "web" in container "aaa111" at {@code timestamp}. */
    protected static LogMessage webLine(String text, Instant timestamp) {
        return containerLine(text, 1, "web", CONTAINER_WEB, LogLevel.INFO, timestamp);
    }

    private static final String CONTAINER_WEB = "aaa1110000000000000000000000000000000000000000000000000000000001";
    private static final String CONTAINER_API = "bbb2220000000000000000000000000000000000000000000000000000000002";
    private static final String CONTAINER_WEB_2 = "aaa9990000000000000000000000000000000000000000000000000000000003";

    private List<LogMessage> logAll(List<LogMessage> messages) {
        List<LogMessage> stored = new ArrayList<>();
        for (LogMessage message : messages) {
            stored.add(backend.log(message));
        }
        return stored;
    }

    private static List<String> texts(List<LogMessage> messages) {
        return messages.stream().map(LogMessage::message).collect(Collectors.toList());
    }

    private static List<Long> sequences(List<LogMessage> messages) {
        return messages.stream().map(m -> LogId.sequence(m.id())).collect(Collectors.toList());
    }

    private List<String> query(LogQuery.Builder query) {
        return texts(flushedLogs(query.build()));
    }

    // Reads go through these: LogBackend.flush() first makes everything logged so far visible, so
    // that backends which write in the background (e.g. to a remote store) are held to exactly the
    // same expectations as those whose reads see writes at once.

    private List<LogMessage> flushedLogs(LogQuery query) {
        backend.flush();
        return backend.getLogs(query);
    }

    private long flushedCount() {
        backend.flush();
        return backend.count();
    }

    private long flushedCount(LogQuery query) {
        backend.flush();
        return backend.count(query);
    }

    private long flushedCleanup(Duration maxAge) {
        backend.flush();
        return backend.cleanup(maxAge);
    }

    /**
     * A varied set of messages, one per millisecond from START, covering every filterable field:
     * <pre>
     * w1 web/1 aaa111 info  container   +0ms
     * a1 api/2 bbb222 error container   +1ms
     * w2 web/1 aaa111 warn  container   +2ms
     * s1 system       info  system      +3ms
     * m1 manager      debug manager     +4ms
     * w3 web/1 aaa999 error container   +5ms   (second web container)
     * a2 api/2 bbb222 debug container   +6ms
     * </pre>
     */
    private List<LogMessage> logVariedMessages() {
        return logAll(List.of(
                containerLine("w1", 1, "web", CONTAINER_WEB, LogLevel.INFO, START),
                containerLine("a1", 2, "api", CONTAINER_API, LogLevel.ERROR, START.plusMillis(1)),
                containerLine("w2", 1, "web", CONTAINER_WEB, LogLevel.WARN, START.plusMillis(2)),
                LogMessage.system("s1", LogLevel.INFO, START.plusMillis(3)),
                LogMessage.manager("m1", LogLevel.DEBUG, START.plusMillis(4)),
                containerLine("w3", 1, "web", CONTAINER_WEB_2, LogLevel.ERROR, START.plusMillis(5)),
                containerLine("a2", 2, "api", CONTAINER_API, LogLevel.DEBUG, START.plusMillis(6))));
    }

    // ---- appending ----------------------------------------------------------------------------

    @Nested
    @DisplayName("Read positions")
    class ReadPositions {

        @Test
        @DisplayName("per container and stream: the newest timestamp stored and how many lines share it")
        void newestPerStream() {
            backend.log(webLine("older", START));
            backend.log(webLine("newest a", START.plusNanos(5)));
            backend.log(webLine("newest b", START.plusNanos(5)));
            backend.log(webLine("late but old", START.plusNanos(1))); // arrives last, older: no move
            backend.log(containerLine("err", 1, "web", CONTAINER_WEB, LogLevel.ERROR, START.plusSeconds(1)));

            assertThat(backend.readPosition(CONTAINER_WEB, false)).hasValueSatisfying(position -> {
                assertThat(position.timestamp()).isEqualTo(START.plusNanos(5));
                assertThat(position.linesAtTimestamp()).isEqualTo(2);
                assertThat(position.stdErr()).isFalse();
            });
            assertThat(backend.readPosition(CONTAINER_WEB, true)).hasValueSatisfying(position ->
                    assertThat(position.timestamp()).isEqualTo(START.plusSeconds(1)));
            assertThat(backend.readPosition(CONTAINER_API, false)).isEmpty();
        }

        @Test
        @DisplayName("system and manager messages move no position")
        void onlyContainerLines() {
            backend.log(LogMessage.system("hello", LogLevel.INFO, START));
            backend.log(LogMessage.manager("event", LogLevel.INFO, START).toBuilder().containerId(CONTAINER_API).build());
            assertThat(backend.readPosition(CONTAINER_API, false)).isEmpty();
            assertThat(backend.readPosition(CONTAINER_API, true)).isEmpty();
        }
    }

    @Nested
    @DisplayName("Statistics")
    class Statistics {

        @Test
        @DisplayName("count what was logged and written, and the open subscriptions")
        void counts() {
            LogSubscription subscription = backend.subscribe(LogQuery.all(), message -> { });
            for (int i = 0; i < 5; i++) {
                backend.log(webLine("m" + i, START));
            }
            backend.flush();
            BackendStatistics statistics = backend.statistics();
            assertThat(statistics.logged()).isEqualTo(5);
            assertThat(statistics.written()).isEqualTo(5);
            assertThat(statistics.dropped()).isZero();
            assertThat(statistics.subscribers()).isEqualTo(1);
            subscription.close();
        }
    }

    @Nested
    @DisplayName("Appending a message")
    class Appending {

        @Test
        @DisplayName("assigns log-N ids that strictly increase in storage order")
        void assignsIncreasingIds() {
            List<LogMessage> stored = logAll(IntStream.range(0, 50)
                    .mapToObj(i -> webLine("line " + i, START)).collect(Collectors.toList()));

            List<Long> sequences = sequences(stored);
            for (int i = 1; i < sequences.size(); i++) {
                assertThat(sequences.get(i)).as("id of message %d", i).isGreaterThan(sequences.get(i - 1));
            }
            assertThat(stored).allSatisfy(m -> assertThat(m.id()).matches("log-[1-9][0-9]*"));
        }

        @Test
        @DisplayName("returns the stored message: the input with its new id")
        void returnsStoredMessageWithId() {
            LogMessage input = containerLine("hello", 7, "db", CONTAINER_API, LogLevel.WARN, START);

            LogMessage stored = backend.log(input);

            assertThat(stored.id()).isNotNull();
            assertThat(stored).isEqualTo(input.withId(stored.id()));
            assertThat(flushedLogs(LogQuery.all())).containsExactly(stored);
        }

        @Test
        @DisplayName("ignores an id already set on the input")
        void ignoresInputId() {
            LogMessage first = backend.log(webLine("first", START));
            LogMessage forged = backend.log(webLine("forged", START).withId("log-999999"));
            LogMessage reused = backend.log(webLine("reused", START).withId(first.id()));

            assertThat(forged.id()).isNotEqualTo("log-999999");
            assertThat(reused.id()).isNotEqualTo(first.id());
            assertThat(sequences(List.of(first, forged, reused))).isSorted().doesNotHaveDuplicates();
            assertThat(flushedLogs(LogQuery.all())).containsExactly(first, forged, reused);
        }

        @Test
        @DisplayName("keeps the timestamp at full nanosecond precision")
        void keepsNanosecondTimestamps() {
            Instant precise = START.plusNanos(123_456_789);
            backend.log(webLine("precise", precise));
            backend.log(webLine("one nano later", precise.plusNanos(1)));

            assertThat(flushedLogs(LogQuery.all()))
                    .extracting(LogMessage::timestamp)
                    .containsExactly(precise, precise.plusNanos(1));
        }

        @Test
        @DisplayName("keeps every field, including nulls and system flags")
        void keepsEveryField() {
            LogMessage system = LogMessage.system("booted", LogLevel.INFO, START);
            LogMessage stderr = new LogMessage(null, "  spaced\ttext ünïcødé 🚀 \"quoted\"", START,
                    LogLevel.ERROR, new LogSource(SourceType.CONTAINER, null), null, null,
                    CONTAINER_API, true, false, null);

            LogMessage storedSystem = backend.log(system);
            LogMessage storedStderr = backend.log(stderr);

            assertThat(flushedLogs(LogQuery.all())).containsExactly(
                    system.withId(storedSystem.id()), stderr.withId(storedStderr.id()));
        }

        @Test
        @DisplayName("returns messages oldest first in id order, whatever their timestamps")
        void returnsInIdOrder() {
            backend.log(webLine("late", START.plusSeconds(10)));
            backend.log(webLine("early", START));
            backend.log(webLine("middle", START.plusSeconds(5)));

            assertThat(query(LogQuery.builder())).containsExactly("late", "early", "middle");
        }

        @Test
        @DisplayName("rejects a null message")
        void rejectsNull() {
            assertThatThrownBy(() -> backend.log(null)).isInstanceOf(NullPointerException.class);
        }

        @Test
        @DisplayName("starts empty")
        void startsEmpty() {
            assertThat(flushedCount()).isZero();
            assertThat(flushedLogs(LogQuery.all())).isEmpty();
        }
    }

    // ---- filters ------------------------------------------------------------------------------

    @Nested
    @DisplayName("Filtering")
    class Filtering {

        @BeforeEach
        void logVaried() {
            logVariedMessages();
        }

        @Test
        @DisplayName("an empty query returns everything")
        void emptyQuery() {
            assertThat(query(LogQuery.builder())).containsExactly("w1", "a1", "w2", "s1", "m1", "w3", "a2");
        }

        @Test
        @DisplayName("by serviceId")
        void byServiceId() {
            assertThat(query(LogQuery.builder().serviceId(2))).containsExactly("a1", "a2");
            assertThat(query(LogQuery.builder().serviceId(3))).isEmpty();
        }

        @Test
        @DisplayName("by serviceName, exactly")
        void byServiceName() {
            assertThat(query(LogQuery.builder().serviceName("web"))).containsExactly("w1", "w2", "w3");
            assertThat(query(LogQuery.builder().serviceName("we"))).isEmpty();
            assertThat(query(LogQuery.builder().serviceName("nobody"))).isEmpty();
        }

        @Test
        @DisplayName("by full containerId")
        void byFullContainerId() {
            assertThat(query(LogQuery.builder().containerId(CONTAINER_WEB))).containsExactly("w1", "w2");
        }

        @Test
        @DisplayName("by containerId prefix, as Docker accepts short ids")
        void byContainerIdPrefix() {
            assertThat(query(LogQuery.builder().containerId("aaa111"))).containsExactly("w1", "w2");
            assertThat(query(LogQuery.builder().containerId("aaa"))).containsExactly("w1", "w2", "w3");
            assertThat(query(LogQuery.builder().containerId("bbb2"))).containsExactly("a1", "a2");
            assertThat(query(LogQuery.builder().containerId("ccc"))).isEmpty();
            assertThat(query(LogQuery.builder().containerId(CONTAINER_WEB + "0"))).isEmpty();
        }

        @Test
        @DisplayName("by level, any of a set")
        void byLevels() {
            assertThat(query(LogQuery.builder().level(LogLevel.ERROR))).containsExactly("a1", "w3");
            assertThat(query(LogQuery.builder().level(LogLevel.ERROR).level(LogLevel.DEBUG)))
                    .containsExactly("a1", "m1", "w3", "a2");
            assertThat(query(LogQuery.builder().level(LogLevel.WARN))).containsExactly("w2");
        }

        @Test
        @DisplayName("by source type, any of a set")
        void bySourceTypes() {
            assertThat(query(LogQuery.builder().sourceType(SourceType.SYSTEM))).containsExactly("s1");
            assertThat(query(LogQuery.builder().sourceType(SourceType.SYSTEM).sourceType(SourceType.MANAGER)))
                    .containsExactly("s1", "m1");
            assertThat(query(LogQuery.builder().sourceType(SourceType.CONTAINER)))
                    .containsExactly("w1", "a1", "w2", "w3", "a2");
        }

        @Test
        @DisplayName("by since, inclusive at the millisecond")
        void bySinceInclusive() {
            assertThat(query(LogQuery.builder().since(START.plusMillis(5)))).containsExactly("w3", "a2");
            assertThat(query(LogQuery.builder().sinceMillis(START.toEpochMilli() + 6))).containsExactly("a2");
            assertThat(query(LogQuery.builder().since(START.plusMillis(7)))).isEmpty();
        }

        @Test
        @DisplayName("by until, exclusive at the millisecond")
        void byUntilExclusive() {
            assertThat(query(LogQuery.builder().until(START.plusMillis(2)))).containsExactly("w1", "a1");
            assertThat(query(LogQuery.builder().untilMillis(START.toEpochMilli()))).isEmpty();
            assertThat(query(LogQuery.builder().untilMillis(START.toEpochMilli() + 1))).containsExactly("w1");
        }

        @Test
        @DisplayName("by since and until together, a half-open window")
        void bySinceAndUntil() {
            assertThat(query(LogQuery.builder().since(START.plusMillis(2)).until(START.plusMillis(4))))
                    .containsExactly("w2", "s1");
            assertThat(query(LogQuery.builder().since(START.plusMillis(3)).until(START.plusMillis(3)))).isEmpty();
        }

        @Test
        @DisplayName("combining every criterion (all must hold)")
        void combined() {
            assertThat(query(LogQuery.builder().serviceName("web").level(LogLevel.ERROR))).containsExactly("w3");
            assertThat(query(LogQuery.builder().serviceName("web").containerId("aaa1")
                    .level(LogLevel.INFO).level(LogLevel.WARN))).containsExactly("w1", "w2");
            assertThat(query(LogQuery.builder().serviceId(1).serviceName("web").containerId("aaa")
                    .level(LogLevel.INFO).level(LogLevel.WARN).level(LogLevel.ERROR)
                    .sourceType(SourceType.CONTAINER)
                    .since(START.plusMillis(1)).until(START.plusMillis(6)))).containsExactly("w2", "w3");
            assertThat(query(LogQuery.builder().serviceId(1).serviceName("api"))).isEmpty();
            assertThat(query(LogQuery.builder().serviceName("api").level(LogLevel.ERROR)
                    .sourceType(SourceType.SYSTEM))).isEmpty();
        }
    }

    @Nested
    @DisplayName("Filtering by time at sub-millisecond precision")
    class SubMillisecondTime {

        @Test
        @DisplayName("since is inclusive and until exclusive to the nanosecond")
        void nanosecondEdges() {
            Instant t = START.plusNanos(500_000); // half a millisecond past START
            backend.log(webLine("before", t.minusNanos(1)));
            backend.log(webLine("at", t));
            backend.log(webLine("after", t.plusNanos(1)));

            assertThat(query(LogQuery.builder().since(t))).containsExactly("at", "after");
            assertThat(query(LogQuery.builder().until(t))).containsExactly("before");
            assertThat(query(LogQuery.builder().since(t).until(t.plusNanos(1)))).containsExactly("at");
        }

        @Test
        @DisplayName("a millisecond bound includes all of its millisecond for since and none of it for until")
        void millisecondBoundsOverSubMillisecondTimes() {
            backend.log(webLine("ms0.999", START.minusNanos(1_000)));
            backend.log(webLine("ms1.000", START));
            backend.log(webLine("ms1.500", START.plusNanos(500_000)));
            backend.log(webLine("ms1.999", START.plusNanos(999_999)));
            backend.log(webLine("ms2.000", START.plusMillis(1)));

            long ms = START.toEpochMilli();
            assertThat(query(LogQuery.builder().sinceMillis(ms).untilMillis(ms + 1)))
                    .containsExactly("ms1.000", "ms1.500", "ms1.999");
            assertThat(query(LogQuery.builder().untilMillis(ms))).containsExactly("ms0.999");
            assertThat(query(LogQuery.builder().sinceMillis(ms + 1))).containsExactly("ms2.000");
        }
    }

    // ---- devices ------------------------------------------------------------------------------

    @Nested
    @DisplayName("Devices")
    class Devices {

        @Test
        @DisplayName("keeps each message's deviceId and filters by it exactly")
        void deviceIdRoundTripsAndFilters() {
            LogMessage first = backend.log(webLine("pi-07 first", START).withDeviceId("pi-07"));
            LogMessage other = backend.log(webLine("pi-08 only", START).withDeviceId("pi-08"));
            LogMessage second = backend.log(LogMessage.system("pi-07 second", LogLevel.ERROR, START)
                    .withDeviceId("pi-07"));
            LogMessage none = backend.log(webLine("no device", START));

            assertThat(flushedLogs(LogQuery.all())).containsExactly(first, other, second, none);
            assertThat(first.deviceId()).isEqualTo("pi-07");
            assertThat(none.deviceId()).isNull();
            assertThat(query(LogQuery.builder().deviceId("pi-07"))).containsExactly("pi-07 first", "pi-07 second");
            assertThat(query(LogQuery.builder().deviceId("pi-0"))).isEmpty();
            assertThat(query(LogQuery.builder().deviceId("pi-07").level(LogLevel.ERROR))).containsExactly("pi-07 second");
            assertThat(query(LogQuery.builder().deviceId("pi-07").afterId(first.id()))).containsExactly("pi-07 second");
            assertThat(query(LogQuery.builder().deviceId("pi-07").limit(1))).containsExactly("pi-07 second");
            assertThat(flushedCount(LogQuery.builder().deviceId("pi-08").build())).isEqualTo(1);
        }
    }

    // ---- limit --------------------------------------------------------------------------------

    @Nested
    @DisplayName("Limiting")
    class Limiting {

        @Test
        @DisplayName("returns the newest N, oldest first")
        void newestNOldestFirst() {
            for (int i = 0; i < 20; i++) {
                backend.log(webLine("m" + i, START.plusMillis(i)));
            }

            assertThat(query(LogQuery.builder().limit(3))).containsExactly("m17", "m18", "m19");
            assertThat(query(LogQuery.builder().limit(1))).containsExactly("m19");
        }

        @Test
        @DisplayName("returns the newest N matching, not the newest N overall")
        void newestNMatching() {
            logVariedMessages();

            assertThat(query(LogQuery.builder().serviceName("web").limit(2))).containsExactly("w2", "w3");
            assertThat(query(LogQuery.builder().level(LogLevel.DEBUG).limit(1))).containsExactly("a2");
            assertThat(query(LogQuery.builder().serviceName("api").until(START.plusMillis(6)).limit(5)))
                    .containsExactly("a1");
        }

        @Test
        @DisplayName("newest means stored last, not latest timestamp")
        void newestByIdNotTimestamp() {
            backend.log(webLine("stored first, latest time", START.plusSeconds(60)));
            backend.log(webLine("stored second", START));
            backend.log(webLine("stored third", START.plusSeconds(1)));

            assertThat(query(LogQuery.builder().limit(2))).containsExactly("stored second", "stored third");
        }

        @Test
        @DisplayName("limit 0 returns nothing")
        void limitZero() {
            logVariedMessages();

            assertThat(flushedLogs(LogQuery.builder().limit(0).build())).isEmpty();
        }

        @Test
        @DisplayName("a limit above the number of matches returns them all")
        void limitAboveMatches() {
            logVariedMessages();

            assertThat(query(LogQuery.builder().serviceName("api").limit(100))).containsExactly("a1", "a2");
        }
    }

    // ---- paging -------------------------------------------------------------------------------

    @Nested
    @DisplayName("Paging with afterId")
    class Paging {

        @Test
        @DisplayName("returns only messages stored after the given id")
        void afterIdOnly() {
            List<LogMessage> stored = logVariedMessages();

            assertThat(query(LogQuery.builder().afterId(stored.get(4).id()))).containsExactly("w3", "a2");
            assertThat(query(LogQuery.builder().afterId(stored.get(6).id()))).isEmpty();
            assertThat(query(LogQuery.builder().afterId(stored.get(0).id()).serviceName("web")))
                    .containsExactly("w2", "w3");
        }

        @Test
        @DisplayName("an id beyond the newest returns nothing; the first id returns all the rest")
        void boundaryIds() {
            List<LogMessage> stored = logVariedMessages();
            long last = LogId.sequence(stored.get(6).id());

            assertThat(flushedLogs(LogQuery.builder().afterId(LogId.format(last + 1000)).build())).isEmpty();
            assertThat(query(LogQuery.builder().afterId(stored.get(0).id())))
                    .containsExactly("a1", "w2", "s1", "m1", "w3", "a2");
        }

        @Test
        @DisplayName("with a limit returns the first N after the id (forward paging), oldest first")
        void afterIdWithLimit() {
            List<LogMessage> stored = logVariedMessages();

            assertThat(query(LogQuery.builder().afterId(stored.get(1).id()).limit(2))).containsExactly("w2", "s1");
            assertThat(query(LogQuery.builder().afterId(stored.get(1).id()).limit(2).serviceName("web")))
                    .containsExactly("w2", "w3");
            assertThat(query(LogQuery.builder().afterId(stored.get(5).id()).limit(2))).containsExactly("a2");
        }

        @Test
        @DisplayName("a poller with a limit smaller than its backlog pages through all of it without a gap")
        void limitedPollerCatchesUp() {
            List<String> written = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                backend.log(webLine("line " + i, START.plusNanos(i % 3)));
                written.add("line " + i);
            }
            List<String> seen = new ArrayList<>();
            // The poller starts from the oldest stored message, then pages forward by cursor.
            List<LogMessage> page = flushedLogs(LogQuery.builder().limit(1000).build());
            assertThat(page).hasSize(1000);
            String cursor = page.get(0).id();
            seen.add(page.get(0).message());
            int pages = 0;
            while (true) {
                page = flushedLogs(LogQuery.builder().afterId(cursor).limit(64).build());
                if (page.isEmpty()) {
                    break;
                }
                assertThat(page.size()).isLessThanOrEqualTo(64);
                seen.addAll(texts(page));
                cursor = page.get(page.size() - 1).id();
                pages++;
            }
            assertThat(pages).isEqualTo(16); // 999 after the first, 64 a page
            assertThat(seen).containsExactlyElementsOf(written);
        }

        @Test
        @DisplayName("a poller sees every message exactly once although many share one millisecond")
        void pollingWithoutGapsOrRepeats() {
            List<String> seen = new ArrayList<>();
            List<String> written = new ArrayList<>();
            String cursor = null;
            int n = 0;
            for (int round = 0; round < 40; round++) {
                for (int i = 0; i < round % 7 + 1; i++) { // bursts of 1..7 lines in one millisecond
                    String text = "line " + n++;
                    backend.log(webLine(text, START));
                    written.add(text);
                }
                List<LogMessage> page = flushedLogs(LogQuery.builder().afterId(cursor).build());
                if (!page.isEmpty()) {
                    cursor = page.get(page.size() - 1).id();
                }
                seen.addAll(texts(page));
            }
            assertThat(seen).containsExactlyElementsOf(written);
        }

        @Test
        @DisplayName("a filtered poller sees every matching message exactly once")
        void filteredPolling() {
            List<String> seen = new ArrayList<>();
            List<String> expected = new ArrayList<>();
            String cursor = null;
            for (int i = 0; i < 300; i++) {
                boolean error = i % 3 == 0;
                backend.log(containerLine("e" + i, 1, "web", CONTAINER_WEB,
                        error ? LogLevel.ERROR : LogLevel.INFO, START));
                if (error) {
                    expected.add("e" + i);
                }
                if (i % 10 == 9) {
                    LogQuery.Builder q = LogQuery.builder().level(LogLevel.ERROR);
                    if (cursor != null) {
                        q.afterId(cursor);
                    }
                    List<LogMessage> page = flushedLogs(q.build());
                    if (!page.isEmpty()) {
                        cursor = page.get(page.size() - 1).id();
                    }
                    seen.addAll(texts(page));
                }
            }
            assertThat(seen).containsExactlyElementsOf(expected);
        }
    }

    // ---- count --------------------------------------------------------------------------------

    @Nested
    @DisplayName("Counting")
    class Counting {

        @Test
        @DisplayName("count() is the number of stored messages")
        void countAll() {
            logVariedMessages();
            backend.log(webLine("one more", START));

            assertThat(flushedCount()).isEqualTo(8);
            assertThat(flushedCount(LogQuery.all())).isEqualTo(8);
        }

        @Test
        @DisplayName("count(query) counts the matches and ignores the limit")
        void countQueryIgnoresLimit() {
            logVariedMessages();

            assertThat(flushedCount(LogQuery.builder().serviceName("web").build())).isEqualTo(3);
            assertThat(flushedCount(LogQuery.builder().serviceName("web").limit(1).build())).isEqualTo(3);
            assertThat(flushedCount(LogQuery.builder().limit(0).build())).isEqualTo(7);
            assertThat(flushedCount(LogQuery.builder().containerId("aaa").level(LogLevel.ERROR).build()))
                    .isEqualTo(1);
            assertThat(flushedCount(LogQuery.builder().since(START.plusMillis(3)).build())).isEqualTo(4);
        }
    }

    @Nested
    @DisplayName("The filter language: search, exclude, regex, fields")
    class FilterLanguage extends FilterLanguageContract {

        @Override
        protected LogBackend backend() {
            return backend;
        }
    }

    // ---- cleanup ------------------------------------------------------------------------------

    @Nested
    @DisplayName("Cleaning up")
    class CleaningUp {

        @Test
        @DisplayName("removes exactly the messages older than maxAge by the backend's clock and says how many")
        void removesExactlyOldOnes() {
            backend.log(webLine("two hours old", START.minus(Duration.ofHours(2))));
            backend.log(webLine("just too old", START.minus(Duration.ofHours(1)).minusNanos(1)));
            backend.log(webLine("exactly at the edge", START.minus(Duration.ofHours(1))));
            backend.log(webLine("fresh", START));
            backend.log(webLine("old again", START.minus(Duration.ofDays(3))));

            long removed = flushedCleanup(Duration.ofHours(1));

            assertThat(removed).isEqualTo(3);
            assertThat(query(LogQuery.builder())).containsExactly("exactly at the edge", "fresh");
            assertThat(flushedCount()).isEqualTo(2);
        }

        @Test
        @DisplayName("measures age with the injected clock")
        void usesInjectedClock() {
            backend.log(webLine("a", START));
            backend.log(webLine("b", START.plusSeconds(30)));

            assertThat(flushedCleanup(Duration.ofMinutes(1))).isZero();
            clock.advance(Duration.ofSeconds(61));
            assertThat(flushedCleanup(Duration.ofMinutes(1))).isEqualTo(1);
            assertThat(query(LogQuery.builder())).containsExactly("b");
            clock.advance(Duration.ofSeconds(30));
            assertThat(flushedCleanup(Duration.ofMinutes(1))).isEqualTo(1);
            assertThat(flushedCount()).isZero();
        }

        @Test
        @DisplayName("keeps ids increasing after removing everything")
        void idsContinueAfterCleanup() {
            LogMessage old = backend.log(webLine("old", START.minusSeconds(3600)));
            assertThat(flushedCleanup(Duration.ofMinutes(1))).isEqualTo(1);

            LogMessage next = backend.log(webLine("new", START));

            assertThat(LogId.sequence(next.id())).isGreaterThan(LogId.sequence(old.id()));
            assertThat(query(LogQuery.builder())).containsExactly("new");
        }

        @Test
        @DisplayName("leaves queries, limits and paging consistent around the holes it makes")
        void consistentAfterCleanup() {
            List<LogMessage> stored = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                Instant time = i % 2 == 0 ? START.minusSeconds(600) : START;
                stored.add(backend.log(webLine("m" + i, time)));
            }

            assertThat(flushedCleanup(Duration.ofMinutes(5))).isEqualTo(15);

            assertThat(query(LogQuery.builder().limit(2))).containsExactly("m27", "m29");
            assertThat(query(LogQuery.builder().afterId(stored.get(24).id()))).containsExactly("m25", "m27", "m29");
            assertThat(flushedCount(LogQuery.builder().serviceName("web").build())).isEqualTo(15);
        }
    }

    // ---- subscriptions ------------------------------------------------------------------------

    @Nested
    @DisplayName("Subscribing")
    @Timeout(20)
    class Subscribing {

        @Test
        @DisplayName("delivers every new matching message in id order, and nothing else")
        void deliversMatchingInOrder() {
            List<LogMessage> received = new CopyOnWriteArrayList<>();
            try (LogSubscription subscription = backend.subscribe(
                    LogQuery.builder().serviceName("web").limit(1).build(), received::add)) {
                List<LogMessage> expected = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    LogMessage stored = backend.log(i % 2 == 0
                            ? webLine("w" + i, START)
                            : containerLine("a" + i, 2, "api", CONTAINER_API, LogLevel.INFO, START));
                    if (i % 2 == 0) {
                        expected.add(stored);
                    }
                }

                eventually().until(() -> received.size() >= expected.size());
                assertThat(received).containsExactlyElementsOf(expected);
                assertThat(subscription.dropped()).isZero();
            }
        }

        @Test
        @DisplayName("delivers only messages stored after subscribing")
        void onlyNewMessages() {
            backend.log(webLine("before", START));
            backend.flush(); // stored before the subscription (a backend may serve only what is durable)
            List<LogMessage> received = new CopyOnWriteArrayList<>();
            try (LogSubscription subscription = backend.subscribe(LogQuery.all(), received::add)) {
                backend.log(webLine("after", START));

                eventually().until(() -> !received.isEmpty());
                assertThat(texts(received)).containsExactly("after");
                assertThat(subscription.isClosed()).isFalse();
            }
        }

        @Test
        @DisplayName("counts subscribers and stops delivering after close")
        void unsubscribe() {
            List<LogMessage> first = new CopyOnWriteArrayList<>();
            List<LogMessage> second = new CopyOnWriteArrayList<>();
            AtomicInteger closedCalls = new AtomicInteger();
            LogSubscription one = backend.subscribe(LogQuery.all(), new LogSubscriber() {
                @Override
                public void onLog(LogMessage message) {
                    first.add(message);
                }

                @Override
                public void onClosed() {
                    closedCalls.incrementAndGet();
                }
            });
            LogSubscription two = backend.subscribe(LogQuery.all(), second::add);
            assertThat(backend.subscriberCount()).isEqualTo(2);

            backend.log(webLine("both", START));
            eventually().until(() -> first.size() == 1 && second.size() == 1);

            one.close();
            one.close();
            assertThat(one.isClosed()).isTrue();
            assertThat(closedCalls).hasValue(1);
            assertThat(backend.subscriberCount()).isEqualTo(1);

            backend.log(webLine("only two", START));
            eventually().until(() -> second.size() == 2);
            assertThat(texts(first)).containsExactly("both");

            two.close();
            assertThat(backend.subscriberCount()).isZero();
        }

        @Test
        @DisplayName("a blocked subscriber never blocks log() and is told exactly how many it missed")
        void blockedSubscriberDoesNotBlockLog() throws Exception {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch firstArrived = new CountDownLatch(1);
            List<LogMessage> received = new CopyOnWriteArrayList<>();
            AtomicLong reportedDrops = new AtomicLong();
            int bufferSize = 4;
            int total = 500;
            LogSubscription subscription = backend.subscribe(LogQuery.all(), bufferSize, new LogSubscriber() {
                @Override
                public void onLog(LogMessage message) {
                    received.add(message);
                    firstArrived.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }

                @Override
                public void onDropped(long count) {
                    reportedDrops.addAndGet(count);
                }
            });
            try {
                backend.log(webLine("first", START));
                assertThat(firstArrived.await(10, TimeUnit.SECONDS)).isTrue();

                // The subscriber is blocked: every log() below must still return (the @Timeout
                // fails the test if one blocks).
                for (int i = 1; i < total; i++) {
                    assertThat(backend.log(webLine("m" + i, START)).id()).isNotNull();
                }
                assertThat(flushedCount()).isEqualTo(total);

                release.countDown();
                eventually()
                        .until(() -> received.size() + reportedDrops.get() == total);
                assertThat(reportedDrops.get()).isEqualTo(total - received.size()).isPositive();
                assertThat(subscription.dropped()).isEqualTo(reportedDrops.get());
                assertThat(received.size()).isLessThanOrEqualTo(1 + bufferSize);
                assertThat(sequences(received)).isSorted().doesNotHaveDuplicates();
            } finally {
                release.countDown();
                subscription.close();
            }
        }

        @Test
        @DisplayName("a subscriber that throws is closed, and the others carry on")
        void throwingSubscriberIsClosed() {
            AtomicBoolean closed = new AtomicBoolean();
            LogSubscription failing = backend.subscribe(LogQuery.all(), new LogSubscriber() {
                @Override
                public void onLog(LogMessage message) {
                    throw new IllegalStateException("client went away");
                }

                @Override
                public void onClosed() {
                    closed.set(true);
                }
            });
            List<LogMessage> healthy = new CopyOnWriteArrayList<>();
            try (LogSubscription healthySubscription = backend.subscribe(LogQuery.all(), healthy::add)) {
                assertThatCode(() -> backend.log(webLine("boom", START))).doesNotThrowAnyException();

                eventually().until(failing::isClosed);
                assertThat(closed).isTrue();
                assertThat(backend.subscriberCount()).isEqualTo(1);

                backend.log(webLine("still fine", START));
                eventually().until(() -> healthy.size() == 2);
                assertThat(healthySubscription.isClosed()).isFalse();
            }
            assertThat(backend.subscriberCount()).isZero();
        }

        @Test
        @DisplayName("a subscriber may close its own subscription from inside onLog")
        void closeFromInside() {
            List<LogMessage> received = new CopyOnWriteArrayList<>();
            LogSubscription[] holder = new LogSubscription[1];
            CountDownLatch subscribed = new CountDownLatch(1);
            holder[0] = backend.subscribe(LogQuery.all(), message -> {
                received.add(message);
                try {
                    subscribed.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                holder[0].close();
            });
            subscribed.countDown();

            backend.log(webLine("one", START));
            eventually().until(holder[0]::isClosed);
            backend.log(webLine("two", START));

            assertThat(backend.subscriberCount()).isZero();
            assertThat(texts(received)).containsExactly("one");
        }

        @Test
        @DisplayName("closing the backend closes open subscriptions")
        void closingBackendClosesSubscriptions() {
            CountDownLatch closed = new CountDownLatch(1);
            LogSubscription subscription = backend.subscribe(LogQuery.all(), new LogSubscriber() {
                @Override
                public void onLog(LogMessage message) {
                }

                @Override
                public void onClosed() {
                    closed.countDown();
                }
            });

            backend.close();

            assertThat(closed.getCount()).isZero();
            assertThat(subscription.isClosed()).isTrue();
            assertThat(backend.subscriberCount()).isZero();
        }

        @Test
        @DisplayName("rejects a buffer size below one")
        void rejectsBadBufferSize() {
            assertThatThrownBy(() -> backend.subscribe(LogQuery.all(), 0, message -> { }))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(backend.subscriberCount()).isZero();
        }
    }

    // ---- concurrency --------------------------------------------------------------------------

    @Nested
    @DisplayName("Under concurrent use")
    @Timeout(60)
    class Concurrency {

        private static final int WRITERS = 4;
        private static final int PER_WRITER = 2_000;

        @Test
        @DisplayName("loses nothing and assigns unique ids while writers, readers and a subscriber run at once")
        void writersReadersAndSubscriber() throws Exception {
            List<LogMessage> live = Collections.synchronizedList(new ArrayList<>());
            LogSubscription subscription = backend.subscribe(LogQuery.all(), WRITERS * PER_WRITER, live::add);
            ExecutorService pool = Executors.newFixedThreadPool(WRITERS + 2);
            AtomicBoolean writing = new AtomicBoolean(true);
            CyclicBarrier start = new CyclicBarrier(WRITERS + 2);
            try {
                List<Future<List<String>>> writers = new ArrayList<>();
                for (int w = 0; w < WRITERS; w++) {
                    String service = "svc" + w;
                    writers.add(pool.submit(() -> {
                        start.await();
                        List<String> ids = new ArrayList<>(PER_WRITER);
                        for (int i = 0; i < PER_WRITER; i++) {
                            LogMessage stored = backend.log(containerLine(service + "-" + i, 1, service,
                                    "c" + service, LogLevel.INFO, START.plusNanos(i)));
                            ids.add(stored.id());
                        }
                        return ids;
                    }));
                }
                List<Future<Integer>> readers = new ArrayList<>();
                for (int r = 0; r < 2; r++) {
                    int reader = r;
                    readers.add(pool.submit(() -> {
                        start.await();
                        int queries = 0;
                        do {
                            List<LogMessage> page = reader == 0
                                    ? backend.getLogs(LogQuery.builder().limit(100).build())
                                    : backend.getLogs(LogQuery.builder().serviceName("svc1").limit(50).build());
                            assertThat(sequences(page)).isSorted().doesNotHaveDuplicates();
                            backend.count(LogQuery.builder().level(LogLevel.INFO).build());
                            queries++;
                        } while (writing.get());
                        return queries;
                    }));
                }

                Set<String> allIds = new HashSet<>();
                for (Future<List<String>> writer : writers) {
                    List<String> ids = writer.get();
                    assertThat(ids).hasSize(PER_WRITER).doesNotContainNull();
                    assertThat(ids.stream().map(LogId::sequence).collect(Collectors.toList())).isSorted();
                    allIds.addAll(ids);
                }
                writing.set(false);
                for (Future<Integer> reader : readers) {
                    assertThat(reader.get()).isPositive();
                }

                int total = WRITERS * PER_WRITER;
                assertThat(allIds).hasSize(total);
                assertThat(flushedCount()).isEqualTo(total);
                List<LogMessage> stored = flushedLogs(LogQuery.all());
                assertThat(stored).hasSize(total);
                assertThat(sequences(stored)).isSorted().doesNotHaveDuplicates();
                for (int w = 0; w < WRITERS; w++) {
                    String service = "svc" + w;
                    assertThat(texts(flushedLogs(LogQuery.builder().serviceName(service).build())))
                            .as("messages of writer %d in its own order", w)
                            .containsExactlyElementsOf(IntStream.range(0, PER_WRITER)
                                    .mapToObj(i -> service + "-" + i).collect(Collectors.toList()));
                }

                eventually().atMost(Duration.ofSeconds(20)).until(() -> live.size() >= total);
                synchronized (live) {
                    assertThat(live).containsExactlyElementsOf(stored);
                }
                assertThat(subscription.dropped()).isZero();
            } finally {
                writing.set(false);
                pool.shutdownNow();
                pool.awaitTermination(10, TimeUnit.SECONDS);
                subscription.close();
            }
        }
    }

    // ---- lifecycle ----------------------------------------------------------------------------

    @Nested
    @DisplayName("Lifecycle")
    class Lifecycle {

        @Test
        @DisplayName("close() can be called more than once")
        void closeIdempotent() {
            backend.log(webLine("x", START));

            backend.close();
            assertThatCode(backend::close).doesNotThrowAnyException();
        }

        @Test
        @DisplayName("log() after close() does not throw and returns the message without an id")
        void logAfterClose() {
            backend.close();

            LogMessage input = webLine("late", START);
            LogMessage result = backend.log(input); // throwing fails the test

            assertThat(result).isEqualTo(input);
            assertThat(result.id()).isNull();
        }

        @Test
        @DisplayName("subscribe() after close() is refused")
        void subscribeAfterClose() {
            backend.close();

            assertThatThrownBy(() -> backend.subscribe(LogQuery.all(), message -> { }))
                    .isInstanceOf(IllegalStateException.class);
        }

        @Test
        @DisplayName("initialize() a second time is refused")
        void initializeTwice() {
            assertThatThrownBy(backend::initialize).isInstanceOf(IllegalStateException.class);
        }
    }
}

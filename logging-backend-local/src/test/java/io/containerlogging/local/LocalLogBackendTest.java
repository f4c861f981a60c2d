package io.containerlogging.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.core.LogSource;
import io.containerlogging.tck.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** LocalLogBackend's own behaviour in memory: configuration, the ring, indexes, scheduling. */
class LocalLogBackendTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    private final MutableClock clock = new MutableClock(NOW);
    private LocalLogBackend backend;

    @AfterEach
    void close() {
        if (backend != null) {
            backend.close();
        }
    }

    private LocalLogBackend start(LocalLogBackend.Builder builder) throws Exception {
        backend = builder.clock(clock).build();
        backend.initialize();
        return backend;
    }

    static LogMessage line(String text, String serviceName, String containerId) {
        return new LogMessage(null, text, NOW, LogLevel.INFO, LogSource.container(serviceName), 1,
                serviceName, containerId, false, false, null);
    }

    private static List<String> texts(List<LogMessage> messages) {
        return messages.stream().map(LogMessage::message).collect(Collectors.toList());
    }

    @Nested
    @DisplayName("Configuration")
    class Configuration {

        @Test
        @DisplayName("defaults are the seed's: 10 000 logs, 24 h, no files, ./data/logs, 10 MiB, 1 s flush")
        void defaults() {
            assertThat(LocalLogBackend.DEFAULT_MAX_LOGS).isEqualTo(10_000);
            assertThat(LocalLogBackend.DEFAULT_MAX_AGE).isEqualTo(Duration.ofHours(24));
            assertThat(LocalLogBackend.DEFAULT_ENABLE_FILE_PERSISTENCE).isFalse();
            assertThat(LocalLogBackend.DEFAULT_LOG_DIR).isEqualTo(Path.of("./data/logs"));
            assertThat(LocalLogBackend.DEFAULT_MAX_FILE_SIZE).isEqualTo(10L * 1024 * 1024);
            assertThat(LocalLogBackend.DEFAULT_FLUSH_INTERVAL).isEqualTo(Duration.ofSeconds(1));
            assertThat(LocalLogBackend.builder().build().maxLogs()).isEqualTo(10_000);
        }

        @Test
        @DisplayName("rejects bad values at once, quoting them")
        void rejectsBadValues() {
            LocalLogBackend.Builder builder = LocalLogBackend.builder();
            assertThatThrownBy(() -> builder.maxLogs(0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("maxLogs").hasMessageContaining("0");
            assertThatThrownBy(() -> builder.maxAge(Duration.ofSeconds(-5)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT-5S");
            assertThatThrownBy(() -> builder.maxAge(null)).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("maxAge");
            assertThatThrownBy(() -> builder.maxFileSize(-1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("-1");
            assertThatThrownBy(() -> builder.flushInterval(Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("flushInterval");
            assertThatThrownBy(() -> builder.logDir(null)).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("logDir");
            assertThatThrownBy(() -> builder.clock(null)).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("clock");
        }
    }

    @Nested
    @DisplayName("The time index (a `since` walk stops where nothing older can match)")
    class TimeIndex {

        LogMessage at(String text, String service, long secondsAfterNow) {
            return new LogMessage(null, text, NOW.plusSeconds(secondsAfterNow), LogLevel.INFO,
                    LogSource.container(service), 1, service, "c-" + service, false, false, null);
        }

        @Test
        @DisplayName("timestamps out of arrival order are still found, with and without an index list")
        void outOfOrder() throws Exception {
            start(LocalLogBackend.builder().maxLogs(100));
            long[] seconds = {10, 30, 20, 5, 40, 1, 25, 2};
            for (int i = 0; i < seconds.length; i++) {
                backend.log(at("t" + seconds[i], i % 2 == 0 ? "even" : "odd", seconds[i]));
            }
            Instant since = NOW.plusSeconds(15);
            assertThat(texts(backend.getLogs(LogQuery.builder().since(since).build())))
                    .containsExactly("t30", "t20", "t40", "t25");
            assertThat(backend.count(LogQuery.builder().since(since).build())).isEqualTo(4);
            assertThat(texts(backend.getLogs(LogQuery.builder().since(since).serviceName("even").build())))
                    .containsExactly("t20", "t40", "t25");
            assertThat(texts(backend.getLogs(LogQuery.builder().since(since).containerId("c-odd").build())))
                    .containsExactly("t30");
            assertThat(texts(backend.getLogs(LogQuery.builder().since(NOW.plusSeconds(40)).build())))
                    .containsExactly("t40");
            assertThat(backend.getLogs(LogQuery.builder().since(NOW.plusSeconds(41)).build())).isEmpty();
            assertThat(backend.count(LogQuery.builder().since(NOW).build())).isEqualTo(8);
        }

        @Test
        @DisplayName("after the ring wrapped, the newest timestamp of evicted messages only makes the walk longer, never wrong")
        void afterEviction() throws Exception {
            start(LocalLogBackend.builder().maxLogs(4));
            backend.log(at("old-but-late", "s", 100)); // evicted below, yet counted in the running maximum
            for (int i = 1; i <= 6; i++) {
                backend.log(at("m" + i, "s", i));
            }
            assertThat(texts(backend.getLogs(LogQuery.builder().since(NOW.plusSeconds(4)).build())))
                    .containsExactly("m4", "m5", "m6");
            assertThat(backend.getLogs(LogQuery.builder().since(NOW.plusSeconds(50)).build())).isEmpty();
        }

        @Test
        @DisplayName("instants beyond the nanosecond range (years 1677 to 2262) are compared safely")
        void extremeInstants() throws Exception {
            start(LocalLogBackend.builder().maxLogs(10).maxAge(java.time.Duration.ofDays(365_000_000L)));
            backend.log(new LogMessage(null, "ancient", Instant.parse("1500-01-01T00:00:00Z"), LogLevel.INFO,
                    LogSource.SYSTEM, null, null, null, false, true, null));
            backend.log(new LogMessage(null, "far", Instant.parse("2400-01-01T00:00:00Z"), LogLevel.INFO,
                    LogSource.SYSTEM, null, null, null, false, true, null));
            assertThat(texts(backend.getLogs(LogQuery.builder().since(Instant.parse("2300-01-01T00:00:00Z")).build())))
                    .containsExactly("far");
            assertThat(texts(backend.getLogs(LogQuery.builder().since(Instant.parse("1400-01-01T00:00:00Z")).build())))
                    .containsExactly("ancient", "far");
            assertThat(EpochNanos.of(Instant.MAX)).isEqualTo(Long.MAX_VALUE);
            assertThat(EpochNanos.of(Instant.MIN)).isEqualTo(Long.MIN_VALUE + 1);
            assertThat(EpochNanos.of(Instant.ofEpochSecond(1, 5))).isEqualTo(1_000_000_005L);
        }
    }

    @Nested
    @DisplayName("The in-memory ring")
    class Ring {

        @Test
        @DisplayName("keeps only the newest maxLogs messages and keeps counting ids")
        void keepsNewest() throws Exception {
            start(LocalLogBackend.builder().maxLogs(5));
            for (int i = 1; i <= 12; i++) {
                backend.log(line("m" + i, "web", "c1"));
            }

            assertThat(backend.count()).isEqualTo(5);
            assertThat(backend.getLogs(LogQuery.all())).extracting(LogMessage::id)
                    .containsExactly("log-8", "log-9", "log-10", "log-11", "log-12");
            assertThat(texts(backend.getLogs(LogQuery.builder().serviceName("web").limit(2).build())))
                    .containsExactly("m11", "m12");
            assertThat(backend.count(LogQuery.builder().containerId("c").build())).isEqualTo(5);
        }

        @Test
        @DisplayName("forgets containers whose messages all left the ring (regression: index leak)")
        void containerChurn() throws Exception {
            start(LocalLogBackend.builder().maxLogs(10));
            for (int i = 0; i < 500; i++) {
                backend.log(line("m" + i, "svc" + (i % 3), String.format("%064d", i)));
            }

            assertThat(backend.getLogs(LogQuery.builder().containerId(String.format("%064d", 3)).build())).isEmpty();
            assertThat(texts(backend.getLogs(LogQuery.builder().containerId(String.format("%064d", 495)).build())))
                    .containsExactly("m495");
            assertThat(texts(backend.getLogs(LogQuery.builder().containerId("0000000000").build())))
                    .hasSize(10).last().isEqualTo("m499");
            assertThat(backend.count(LogQuery.builder().serviceName("svc1").build())).isEqualTo(4); // 490, 493, 496, 499
            assertThat(backend.indexedKeys()).isLessThanOrEqualTo(2 * 10 + 3 + 3);
        }

        @Test
        @DisplayName("stores each repeated service name, container id and source once")
        void sharesRepeatedStrings() throws Exception {
            start(LocalLogBackend.builder());
            String containerId = "abc".repeat(20);

            LogMessage first = backend.log(line("one", new String("web"), new String(containerId)));
            LogMessage second = backend.log(line("two", new String("web"), new String(containerId)));

            assertThat(second.serviceName()).isSameAs(first.serviceName());
            assertThat(second.containerId()).isSameAs(first.containerId());
            assertThat(second.source()).isSameAs(first.source());
        }

        @Test
        @DisplayName("drops messages before initialize() and returns them without id")
        void logBeforeInitialize() {
            backend = LocalLogBackend.builder().clock(clock).build();

            LogMessage result = backend.log(line("early", "web", "c1"));

            assertThat(result.id()).isNull();
            assertThat(backend.count()).isZero();
        }
    }

    @Nested
    @DisplayName("Scheduled cleanup")
    @Timeout(20)
    class ScheduledCleanup {

        @Test
        @DisplayName("runs on its own with the configured maxAge and the injected clock, and stops on close")
        void runsAndStops() throws Exception {
            RecordingThreadFactory threads = new RecordingThreadFactory();
            start(LocalLogBackend.builder().maxAge(Duration.ofHours(1)).cleanupInterval(Duration.ofMillis(20))
                    .threadFactory(threads));
            backend.log(line("old", "web", "c1"));
            backend.log(new LogMessage(null, "new", NOW.plusSeconds(7200), LogLevel.INFO, LogSource.SYSTEM,
                    null, null, null, false, true, null));
            assertThat(threads.threads).hasSize(1); // the cleanup thread, from the host's factory, not renamed
            assertThat(threads.names()).noneMatch(name -> name.startsWith("container-logging-"));

            clock.advance(Duration.ofMinutes(61));

            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() -> backend.count() == 1);
            assertThat(texts(backend.getLogs(LogQuery.all()))).containsExactly("new");

            backend.close();
            // the executor reports termination just before its worker thread has exited
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() -> !threads.anyAlive());
        }
    }

    @Nested
    @DisplayName("Device id")
    class DeviceId {

        @Test
        @DisplayName("stamps the configured deviceId on messages without one, keeps a message's own, and filters by it")
        void stampsAndFilters(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
            start(LocalLogBackend.builder().deviceId("pi-07").enableFilePersistence(true).logDir(dir));
            LogMessage stamped = backend.log(line("mine", "web", "c1"));
            LogMessage forwarded = backend.log(line("relayed", "web", "c1").withDeviceId("pi-08"));

            assertThat(stamped.deviceId()).isEqualTo("pi-07");
            assertThat(forwarded.deviceId()).isEqualTo("pi-08");
            assertThat(texts(backend.getLogs(LogQuery.builder().deviceId("pi-07").build()))).containsExactly("mine");
            assertThat(backend.count(LogQuery.builder().deviceId("pi-08").build())).isEqualTo(1);

            backend.close();
            backend = null;
            // the device id is persisted with the message and reloaded
            start(LocalLogBackend.builder().enableFilePersistence(true).logDir(dir));
            assertThat(backend.getLogs(LogQuery.all())).extracting(LogMessage::deviceId)
                    .containsExactly("pi-07", "pi-08");
        }

        @Test
        @DisplayName("rejects a blank deviceId at configuration time")
        void rejectsBlank() {
            assertThatThrownBy(() -> LocalLogBackend.builder().deviceId(" "))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("' '");
        }
    }
}

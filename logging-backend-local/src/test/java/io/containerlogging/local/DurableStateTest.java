package io.containerlogging.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.core.LogSource;
import io.containerlogging.core.ReadCheckpoint;
import io.containerlogging.tck.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The local backend's durable state: read checkpoints, removals and reserved ids in its directory. */
@Timeout(30)
class DurableStateTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(NOW);
    private final List<LocalLogBackend> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(LocalLogBackend::close);
    }

    private LocalLogBackend start(int maxLogs) throws IOException {
        LocalLogBackend backend = LocalLogBackend.builder().enableFilePersistence(true).logDir(dir).maxLogs(maxLogs)
                .clock(clock).build();
        opened.add(backend);
        backend.initialize();
        return backend;
    }

    private static LogMessage line(String container, String text, Instant timestamp, boolean stdErr) {
        return new LogMessage(null, text, timestamp, stdErr ? LogLevel.ERROR : LogLevel.INFO,
                LogSource.container("svc"), null, "svc", container, stdErr, false, null);
    }

    @Nested
    @DisplayName("Read checkpoints")
    class Checkpoints {

        @Test
        @DisplayName("a stream's position survives eviction from the ring and a restart")
        void survivesEvictionAndRestart() throws IOException {
            LocalLogBackend first = start(5);
            first.log(line("quiet", "q1", NOW, false));
            first.log(line("quiet", "q2", NOW.plusNanos(1), false));
            first.log(line("quiet", "q3", NOW.plusNanos(1), false)); // two lines share the newest timestamp
            first.log(line("quiet", "e1", NOW.plusNanos(5), true));
            for (int i = 0; i < 20; i++) {
                first.log(line("loud", "l" + i, NOW.plusSeconds(1), false));
            }
            assertThat(first.count(LogQuery.builder().containerId("quiet").build())).isZero();
            ReadCheckpoint stdout = new ReadCheckpoint("quiet", false, NOW.plusNanos(1), 2, NOW.plusNanos(1));
            assertThat(first.readPosition("quiet", false)).get().usingRecursiveComparison()
                    .ignoringFields("updated").isEqualTo(stdout);
            first.close();

            LocalLogBackend second = start(5);
            assertThat(second.readPosition("quiet", false)).get().usingRecursiveComparison()
                    .ignoringFields("updated").isEqualTo(stdout);
            assertThat(second.readPosition("quiet", true)).get().extracting(ReadCheckpoint::timestamp)
                    .isEqualTo(NOW.plusNanos(5));
            assertThat(second.readPosition("loud", false)).get().extracting(ReadCheckpoint::linesAtTimestamp)
                    .isEqualTo(20L);
            assertThat(second.readPosition("never-seen", false)).isEmpty();
        }

        @Test
        @DisplayName("system and manager messages, and lines without a container, have no position")
        void onlyContainerLines() throws IOException {
            LocalLogBackend backend = start(10);
            backend.log(LogMessage.system("hello", LogLevel.INFO, NOW));
            backend.log(new LogMessage(null, "event", NOW, LogLevel.INFO, LogSource.MANAGER, null, null, "c1",
                    false, true, null));
            assertThat(backend.readPosition("c1", false)).isEmpty();
        }

        @Test
        @DisplayName("positions of containers gone for longer than maxAge expire")
        void expire() throws IOException {
            LocalLogBackend first = LocalLogBackend.builder().enableFilePersistence(true).logDir(dir).clock(clock)
                    .maxAge(Duration.ofHours(1)).build();
            opened.add(first);
            first.initialize();
            first.log(line("old", "o", NOW, false));
            first.close();
            clock.advance(Duration.ofHours(2));
            LocalLogBackend second = LocalLogBackend.builder().enableFilePersistence(true).logDir(dir).clock(clock)
                    .maxAge(Duration.ofHours(1)).build();
            opened.add(second);
            second.initialize();
            second.log(line("new", "n", clock.instant(), false));
            second.close();

            LocalLogBackend third = start(10);
            assertThat(third.readPosition("new", false)).isPresent();
            assertThat(third.readPosition("old", false)).as("expired at the last save").isEmpty();
        }

        @Test
        @DisplayName("in memory too, the position of a container gone for longer than maxAge is forgotten by cleanup")
        void expireInMemory() throws IOException {
            LocalLogBackend backend = LocalLogBackend.builder().clock(clock).maxAge(Duration.ofHours(24)).build();
            opened.add(backend);
            backend.initialize();
            backend.log(line("gone", "g", NOW, false));
            clock.advance(Duration.ofHours(1));
            backend.log(line("busy", "b", clock.instant(), false));
            clock.advance(Duration.ofHours(23).plusMinutes(30));
            backend.cleanup(Duration.ofHours(24));
            assertThat(backend.readPosition("gone", false)).isEmpty();
            assertThat(backend.readPosition("busy", false)).isPresent();
        }

        @Test
        @DisplayName("a corrupt checkpoint file is ignored: positions are rebuilt from the log files")
        void corruptCheckpointFile() throws IOException {
            LocalLogBackend first = start(10);
            first.log(line("c1", "a", NOW, false));
            first.log(line("c1", "b", NOW.plusNanos(7), false));
            first.close();
            Files.writeString(dir.resolve(LocalLogBackend.CHECKPOINT_FILE), "{\"streams\":[{\"containerId\":");

            LocalLogBackend second = start(10);
            assertThat(second.readPosition("c1", false)).get().extracting(ReadCheckpoint::timestamp)
                    .isEqualTo(NOW.plusNanos(7));
        }

        @Test
        @DisplayName("lines written after the last saved checkpoint count too (a crash between the two)")
        void replaysLinesAfterTheCheckpoint() throws IOException {
            LocalLogBackend first = start(10);
            first.log(line("c1", "a", NOW, false));
            first.close();
            String saved = Files.readString(dir.resolve(LocalLogBackend.CHECKPOINT_FILE));
            LocalLogBackend second = start(10);
            second.log(line("c1", "b", NOW.plusSeconds(1), false));
            second.close();
            // as if the process died after writing "b" but before saving its checkpoint
            Files.writeString(dir.resolve(LocalLogBackend.CHECKPOINT_FILE), saved);

            LocalLogBackend third = start(10);
            assertThat(third.readPosition("c1", false)).get().extracting(ReadCheckpoint::timestamp)
                    .isEqualTo(NOW.plusSeconds(1));
        }
    }

    @Nested
    @DisplayName("Removals")
    class Removed {

        @Test
        @DisplayName("what cleanup removed with an age shorter than maxAge stays removed after a restart")
        void cleanupStaysRemoved() throws IOException {
            LocalLogBackend first = start(100);
            first.log(line("c1", "two hours old", NOW.minus(Duration.ofHours(2)), false));
            first.log(line("c1", "fresh", NOW, false));
            assertThat(first.cleanup(Duration.ofHours(1))).isEqualTo(1);
            first.log(line("c1", "late but old", NOW.minus(Duration.ofHours(3)), false)); // logged after the cleanup
            first.close();

            LocalLogBackend second = start(100);
            assertThat(second.getLogs(LogQuery.all())).extracting(LogMessage::message)
                    .containsExactly("fresh", "late but old");
        }
    }

    @Nested
    @DisplayName("Ids")
    class Ids {

        @Test
        @DisplayName("after an unclean stop, ids continue above the reserved block, never reusing one served")
        void aboveTheReservation() throws IOException {
            LocalLogBackend first = start(10);
            String served = first.log(line("c1", "served, then lost", NOW, false)).id();
            // What a crash leaves: the reservation file as it was while running, and no line.
            String reservation = Files.readString(dir.resolve(ReservedIds.FILE_NAME));
            first.close();
            Files.writeString(dir.resolve(ReservedIds.FILE_NAME), reservation);
            try (var files = Files.list(dir)) {
                for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".log")).toList()) {
                    Files.writeString(file, "");
                }
            }

            LocalLogBackend second = start(10);
            String next = second.log(line("c1", "next", NOW, false)).id();
            assertThat(io.containerlogging.core.LogId.sequence(next))
                    .isGreaterThan(io.containerlogging.core.LogId.sequence(served) + ReservedIds.BLOCK - 1);
        }

        @Test
        @DisplayName("after a clean close, ids continue right after the last one")
        void rightAfterCleanClose() throws IOException {
            LocalLogBackend first = start(10);
            first.log(line("c1", "a", NOW, false));
            first.close();
            LocalLogBackend second = start(10);
            assertThat(second.log(line("c1", "b", NOW, false)).id()).isEqualTo("log-2");
        }
    }
}

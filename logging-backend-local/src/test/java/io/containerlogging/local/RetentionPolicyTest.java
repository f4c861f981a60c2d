package io.containerlogging.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.core.LogSource;
import io.containerlogging.tck.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Retention per service and per level: memory, files and a restart agree. */
@Timeout(60)
class RetentionPolicyTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    @Nested
    @DisplayName("The text form")
    class Parsing {

        @Test
        @DisplayName("service=age, service@level=age and *@level=age; a level rule applies at its level and above, and only lengthens")
        void parses() {
            RetentionPolicy policy = RetentionPolicy.parse(" web=1h, db=7d ,*@warn=3d,web@error=30d,api@debug=90s");
            Duration day = Duration.ofDays(1);

            assertThat(policy.maxAge(day, "web", LogLevel.INFO)).isEqualTo(Duration.ofHours(1));
            assertThat(policy.maxAge(day, "web", LogLevel.WARN)).isEqualTo(Duration.ofDays(3));
            assertThat(policy.maxAge(day, "web", LogLevel.ERROR)).isEqualTo(Duration.ofDays(30));
            assertThat(policy.maxAge(day, "db", LogLevel.DEBUG)).isEqualTo(Duration.ofDays(7));
            assertThat(policy.maxAge(day, "db", LogLevel.ERROR)).isEqualTo(Duration.ofDays(7)); // longer already
            assertThat(policy.maxAge(day, "other", LogLevel.INFO)).isEqualTo(day);
            assertThat(policy.maxAge(day, null, LogLevel.ERROR)).isEqualTo(Duration.ofDays(3));
            assertThat(policy.maxAge(day, "api", LogLevel.DEBUG)).isEqualTo(day); // a level rule never shortens
            assertThat(policy.ages(day)).containsExactly(Duration.ofSeconds(90), Duration.ofHours(1), day,
                    Duration.ofDays(3), Duration.ofDays(7), Duration.ofDays(30));
            assertThat(RetentionPolicy.parse("")).isEqualTo(RetentionPolicy.NONE);
            assertThat(RetentionPolicy.parse(policy.toString().replaceAll("RetentionPolicy\\[|]", "")))
                    .isEqualTo(policy);
        }

        @Test
        @DisplayName("refuses what is not a rule, quoting it")
        void refuses() {
            assertThatThrownBy(() -> RetentionPolicy.parse("web=1x")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'web=1x'");
            assertThatThrownBy(() -> RetentionPolicy.parse("web")).hasMessageContaining("'web'");
            assertThatThrownBy(() -> RetentionPolicy.parse("web@loud=1h")).hasMessageContaining("'web@loud=1h'")
                    .hasMessageContaining("unknown log level");
            assertThatThrownBy(() -> RetentionPolicy.parse("*=1h")).hasMessageContaining("LOG_MAX_AGE");
            assertThatThrownBy(() -> RetentionPolicy.parse("web=0h")).hasMessageContaining("positive");
            assertThatThrownBy(() -> RetentionPolicy.parse("web=1h,web=2h")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("'web'");
        }
    }

    @Nested
    @DisplayName("In a backend")
    class InABackend {

        @TempDir
        Path dir;

        private final MutableClock clock = new MutableClock(NOW);
        private final List<LocalLogBackend> opened = new ArrayList<>();

        @AfterEach
        void closeAll() {
            opened.forEach(LocalLogBackend::close);
        }

        private LocalLogBackend start() throws IOException {
            LocalLogBackend backend = LocalLogBackend.builder().enableFilePersistence(true).logDir(dir).clock(clock)
                    .maxAge(Duration.ofDays(1))
                    .retention(RetentionPolicy.parse("web=1h,db=7d,*@warn=3d"))
                    .build();
            opened.add(backend);
            backend.initialize();
            return backend;
        }

        private LogMessage line(String service, LogLevel level, String text) {
            return new LogMessage(null, text, clock.instant(), level, LogSource.container(service), 1, service,
                    "c-" + service, level == LogLevel.ERROR, false, null);
        }

        private List<String> texts(LocalLogBackend backend) {
            return backend.getLogs(LogQuery.builder().sourceType(io.containerlogging.core.SourceType.CONTAINER).build())
                    .stream().map(LogMessage::message).collect(Collectors.toList());
        }

        private List<String> filesIn(String subdir) throws IOException {
            Path path = subdir.isEmpty() ? dir : dir.resolve(subdir);
            if (!Files.isDirectory(path)) {
                return List.of();
            }
            try (Stream<Path> files = Files.list(path)) {
                return files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("container-manager-"))
                        .filter(n -> !n.endsWith(".tmp")).collect(Collectors.toList());
            }
        }

        private List<String> nonEmptyFilesIn(String subdir) throws IOException {
            List<String> nonEmpty = new ArrayList<>();
            for (String name : filesIn(subdir)) {
                Path file = (subdir.isEmpty() ? dir : dir.resolve(subdir)).resolve(name);
                if (!LocalLogBackendPersistenceTest.readLines(file).isEmpty()) {
                    nonEmpty.add(name);
                }
            }
            return nonEmpty;
        }

        @Test
        @DisplayName("each service and level keeps its own age, in memory, in the files and across restarts")
        void perServiceAndLevel() throws IOException {
            LocalLogBackend first = start();
            first.log(line("web", LogLevel.INFO, "web info"));
            first.log(line("web", LogLevel.ERROR, "web error"));
            first.log(line("db", LogLevel.INFO, "db info"));
            first.log(line("other", LogLevel.INFO, "other info"));
            first.log(line("other", LogLevel.WARN, "other warn"));
            assertThat(texts(first)).containsExactly("web info", "web error", "db info", "other info", "other warn");
            first.close();
            // one directory per age besides the default one
            assertThat(nonEmptyFilesIn("keep-1h")).hasSize(1);
            assertThat(nonEmptyFilesIn("keep-7d")).hasSize(1);
            assertThat(nonEmptyFilesIn("keep-3d")).hasSize(1);
            assertThat(nonEmptyFilesIn("")).hasSize(1);

            clock.advance(Duration.ofHours(2));
            LocalLogBackend second = start();
            assertThat(texts(second)).containsExactly("web error", "db info", "other info", "other warn");
            // the first run's web file was closed at +0h (its time on disk says so): gone at +1h
            assertThat(second.storageStatistics().retentionDeletedFiles()).isEqualTo(1);
            assertThat(nonEmptyFilesIn("keep-1h")).isEmpty();
            second.log(line("web", LogLevel.INFO, "web info later"));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                    .until(() -> nonEmptyFilesIn("keep-1h").size() == 1); // written by this run
            clock.advance(Duration.ofMinutes(50));
            second.cleanup();
            assertThat(texts(second)).containsExactly("web error", "db info", "other info", "other warn",
                    "web info later");
            clock.advance(Duration.ofMinutes(15));
            second.cleanup();
            assertThat(texts(second)).containsExactly("web error", "db info", "other info", "other warn");
            second.close();

            clock.advance(Duration.ofHours(23)); // +26h05m: info of other services is past its day
            LocalLogBackend third = start();
            assertThat(texts(third)).containsExactly("web error", "db info", "other warn");
            third.cleanup();
            assertThat(nonEmptyFilesIn("keep-1h")).isEmpty();
            third.close();

            clock.advance(Duration.ofDays(3)); // past the 3 days of warn and error
            LocalLogBackend fourth = start();
            assertThat(texts(fourth)).containsExactly("db info");
            assertThat(nonEmptyFilesIn("keep-3d")).isEmpty();
            assertThat(nonEmptyFilesIn("")).isEmpty();
            fourth.close();

            clock.advance(Duration.ofDays(4));
            LocalLogBackend fifth = start();
            assertThat(texts(fifth)).isEmpty();
            assertThat(nonEmptyFilesIn("keep-7d")).isEmpty();
        }

        @Test
        @DisplayName("the scheduled cleanup removes by the policy while running")
        void whileRunning() throws IOException {
            LocalLogBackend backend = start();
            backend.log(line("web", LogLevel.DEBUG, "web debug"));
            backend.log(line("web", LogLevel.WARN, "web warn"));
            backend.log(line("db", LogLevel.DEBUG, "db debug"));
            clock.advance(Duration.ofHours(1).plusSeconds(1));

            assertThat(backend.cleanup()).isEqualTo(1);

            assertThat(texts(backend)).containsExactly("web warn", "db debug");
            assertThat(backend.count(LogQuery.builder().serviceName("web").build())).isEqualTo(1);
        }
    }
}

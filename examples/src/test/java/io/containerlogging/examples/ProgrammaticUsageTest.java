package io.containerlogging.examples;

import static io.containerlogging.testing.LogMessageAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.containerlogging.core.LogJson;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.SourceType;
import io.containerlogging.testing.DockerTest;
import io.containerlogging.testing.ScratchContainers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@DockerTest
@Timeout(60)
class ProgrammaticUsageTest {

    @TempDir
    Path logDir;

    @Test
    @DisplayName("the seed's programmatic walkthrough runs and leaves its messages in the log files")
    void walkthrough() throws IOException {
        try (ScratchContainers containers = new ScratchContainers()) {
            String id = containers.run("echo ready; echo boom >&2; sleep 30");

            List<LogMessage> errors = ProgrammaticUsage.run(containers.docker(), id, logDir);

            // The query ran: whatever had arrived by then is web's errors only.
            assertThat(errors).allSatisfy(m -> assertThat(m).hasServiceName("web").hasLevel(LogLevel.ERROR));
            // The backend closed and flushed: its files hold the system message and manager event.
            List<LogMessage> stored;
            try (Stream<Path> files = Files.list(logDir)) {
                stored = files.filter(f -> f.getFileName().toString().matches("container-manager-\\d+\\.log"))
                        .flatMap(ProgrammaticUsageTest::lines).map(LogJson::fromJson).toList();
            }
            assertThat(stored).anySatisfy(m -> {
                assertThat(m.message()).isEqualTo("Application started");
                assertThat(m.source().type()).isEqualTo(SourceType.SYSTEM);
            });
            assertThat(stored).anySatisfy(m -> {
                assertThat(m.message()).startsWith("reconciliation-complete {")
                        .contains("\"apps\":3").contains("\"services\":7");
                assertThat(m.source().type()).isEqualTo(SourceType.MANAGER);
            });
        }
    }

    private static Stream<String> lines(Path file) {
        try {
            return Files.readAllLines(file).stream().filter(l -> !l.isBlank());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

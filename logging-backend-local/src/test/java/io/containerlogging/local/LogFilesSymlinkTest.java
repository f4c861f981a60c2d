package io.containerlogging.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.containerlogging.core.LogJson;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 14: the log directory and its files are never followed through symbolic links. */
@DisplayName("LocalLogBackend never follows symbolic links in its log directory")
class LogFilesSymlinkTest {

    @TempDir
    Path tmp;

    static String line(String text, String id) {
        return LogJson.toJson(LogMessage.system(text, LogLevel.INFO, Instant.now()).withId(id)) + "\n";
    }

    @Test
    @DisplayName("a log directory that is a symbolic link is refused at start, naming it")
    void linkedDirectory() throws IOException {
        Path real = Files.createDirectory(tmp.resolve("elsewhere"));
        Path link = Files.createSymbolicLink(tmp.resolve("logs"), real);
        LocalLogBackend backend = LocalLogBackend.builder().enableFilePersistence(true).logDir(link).build();
        try {
            assertThatThrownBy(backend::initialize).isInstanceOf(IOException.class)
                    .hasMessageContaining("symbolic link").hasMessageContaining(link.toString());
        } finally {
            backend.close();
        }
        try (var entries = Files.list(real)) {
            assertThat(entries).as("nothing written through the link").isEmpty();
        }
    }

    @Test
    @DisplayName("a planted symbolic link named like a log file is skipped: not read, not written, not deleted")
    void plantedFile() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("logs"));
        Path outside = tmp.resolve("secret.log");
        String secret = line("outside LOG_DIR", "log-99");
        Files.writeString(outside, secret);
        Files.createSymbolicLink(dir.resolve("container-manager-1000.log"), outside);
        Files.writeString(dir.resolve("container-manager-2000.log"), line("inside", "log-1"));

        LocalLogBackend backend = LocalLogBackend.builder().enableFilePersistence(true).logDir(dir).build();
        backend.initialize();
        try {
            List<String> texts = backend.getLogs(LogQuery.all()).stream().map(LogMessage::message).toList();
            assertThat(texts).contains("inside").doesNotContain("outside LOG_DIR");
            backend.log(LogMessage.system("new", LogLevel.INFO, Instant.now()));
            backend.cleanup(java.time.Duration.ofMillis(1));
        } finally {
            backend.close();
        }
        assertThat(Files.readString(outside, StandardCharsets.UTF_8)).isEqualTo(secret);
        assertThat(Files.isSymbolicLink(dir.resolve("container-manager-1000.log"))).isTrue();
    }
}

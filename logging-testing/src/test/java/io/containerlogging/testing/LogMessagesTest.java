package io.containerlogging.testing;

import static io.containerlogging.testing.LogMessageAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LogMessagesTest {

    static final Instant T = Instant.parse("2026-03-01T10:00:00Z");

    @Test
    @DisplayName("a container line is an unstored INFO stdout line of that service and container")
    void containerLine() {
        assertThat(LogMessages.containerLine("web", "c1", "hello", T)).hasId(null).hasMessage("hello")
                .hasTimestamp(T).hasLevel(LogLevel.INFO).hasSource(LogSource.container("web"))
                .hasServiceName("web").hasServiceId(null).hasContainerId("c1").hasDeviceId(null)
                .isNotStdErr().isNotSystem();
        assertThat(LogMessages.containerLine("api", "c2", "boom").level(LogLevel.ERROR).stdErr(true).build())
                .hasLevel(LogLevel.ERROR).isStdErr().hasServiceName("api");
    }

    @Test
    @DisplayName("numbered lines count up in text and time, step apart")
    void numbered() {
        List<LogMessage> lines = LogMessages.containerLines("web", "c1", "line", 3, T, Duration.ofMillis(5));
        assertThat(lines).extracting(LogMessage::message).containsExactly("line 0", "line 1", "line 2");
        assertThat(lines).extracting(LogMessage::timestamp)
                .containsExactly(T, T.plusMillis(5), T.plusMillis(10));
        assertThat(LogMessages.containerLines("web", "c1", "line", 0, T, Duration.ZERO)).isEmpty();
        assertThatThrownBy(() -> LogMessages.containerLines("web", "c1", "line", -1, T, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
    }

    @Test
    @DisplayName("container ids are 64 lowercase hex digits and distinct")
    void containerIds() {
        assertThat(LogMessages.containerId(1)).matches("[0-9a-f]{64}").endsWith("1");
        assertThat(LogMessages.containerId(Long.MAX_VALUE)).matches("[0-9a-f]{64}");
        assertThat(LogMessages.containerId(1)).isNotEqualTo(LogMessages.containerId(2));
    }
}

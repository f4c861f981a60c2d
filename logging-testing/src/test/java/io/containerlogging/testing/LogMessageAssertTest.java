package io.containerlogging.testing;

import static io.containerlogging.testing.LogMessageAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogSource;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LogMessageAssertTest {

    static final Instant T = Instant.parse("2026-03-01T10:00:00.123456789Z");

    final LogMessage stderrLine = LogMessage.builder().id("log-7").message("boom: disk full").timestamp(T)
            .level(LogLevel.ERROR).source(LogSource.container("web")).serviceId(3).serviceName("web")
            .containerId("c1").stdErr(true).deviceId("edge-1").build();

    @Test
    @DisplayName("every field check passes on a message that has that value, chained")
    void passes() {
        assertThat(stderrLine).hasId("log-7").hasMessage("boom: disk full").hasMessageContaining("disk")
                .hasTimestamp(T).hasLevel(LogLevel.ERROR).hasSource(LogSource.container("web"))
                .hasServiceId(3).hasServiceName("web").hasContainerId("c1").hasDeviceId("edge-1")
                .isStdErr().isNotSystem();
        assertThat(LogMessages.systemLine("started", T)).hasId(null).hasServiceName(null).isSystem()
                .isNotStdErr().hasSource(LogSource.SYSTEM);
    }

    @Test
    @DisplayName("a failed check names the field, the expected and the actual value")
    void failureNamesTheField() {
        assertThatThrownBy(() -> assertThat(stderrLine).hasLevel(LogLevel.ERROR).hasLevel(LogLevel.WARN))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Expecting level of")
                .hasMessageContaining("to be:%n  WARN%nbut was:%n  ERROR", new Object[0])
                .hasMessageContaining("boom: disk full");
        assertThatThrownBy(() -> assertThat(stderrLine).hasMessage("boom"))
                .hasMessageContaining("\"boom\"").hasMessageContaining("\"boom: disk full\"");
        assertThatThrownBy(() -> assertThat(stderrLine).hasMessageContaining("network"))
                .hasMessageContaining("to contain").hasMessageContaining("network");
        assertThatThrownBy(() -> assertThat(stderrLine).isNotStdErr()).hasMessageContaining("isStdErr");
        assertThatThrownBy(() -> assertThat(stderrLine).isSystem()).hasMessageContaining("isSystem");
        assertThatThrownBy(() -> assertThat(stderrLine).hasTimestamp(T.plusNanos(1)))
                .hasMessageContaining("timestamp");
    }

    @Test
    @DisplayName("a null message fails every field check instead of throwing NullPointerException")
    void nullMessage() {
        assertThatThrownBy(() -> assertThat((LogMessage) null).hasMessage("x"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("null");
        assertThat((LogMessage) null).isNull();
    }
}

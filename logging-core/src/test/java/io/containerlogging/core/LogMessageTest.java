package io.containerlogging.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LogMessageTest {

    private static final Instant T = Instant.parse("2023-10-01T21:20:00.123456789Z");

    @Test
    @DisplayName("keeps the deviceId through withId, toBuilder and withDeviceId; the old constructor leaves it null")
    void deviceIdSurvivesCopies() {
        LogMessage withoutDevice = new LogMessage(null, "m", T, LogLevel.INFO, LogSource.container("web"),
                1, "web", "abc", false, false, null);
        assertThat(withoutDevice.deviceId()).isNull();

        LogMessage onPi = withoutDevice.withDeviceId("pi-07");
        assertThat(onPi.deviceId()).isEqualTo("pi-07");
        assertThat(onPi.withId("log-3").deviceId()).isEqualTo("pi-07");
        assertThat(onPi.withId("log-3").id()).isEqualTo("log-3");
        assertThat(onPi.toBuilder().build()).isEqualTo(onPi);
        assertThat(LogMessage.builder().message("m").timestamp(T).deviceId("d").build().deviceId()).isEqualTo("d");
    }
}

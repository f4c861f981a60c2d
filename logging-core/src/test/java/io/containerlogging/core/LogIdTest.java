package io.containerlogging.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LogIdTest {

    @Test
    @DisplayName("formats and parses log-N ids")
    void roundTrip() {
        assertThat(LogId.format(42)).isEqualTo("log-42");
        assertThat(LogId.sequence("log-42")).isEqualTo(42);
        assertThat(LogId.sequence(LogId.format(Long.MAX_VALUE / 10))).isEqualTo(Long.MAX_VALUE / 10);
    }

    @Test
    @DisplayName("rejects anything that is not log-N with N >= 1")
    void rejectsMalformed() {
        for (String bad : new String[] {"", "log-", "log-0", "log--1", "log-1a", "LOG-1", "1", "log-1234567890123456789"}) {
            assertThat(LogId.trySequence(bad)).as(bad).isEqualTo(-1);
            assertThatThrownBy(() -> LogId.sequence(bad)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(LogId.trySequence(null)).isEqualTo(-1);
    }
}

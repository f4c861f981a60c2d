package io.containerlogging.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.EnumSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LogQueryTest {

    private static final Instant T = Instant.parse("2023-10-01T21:20:00.000500000Z");

    private static LogMessage message(String id) {
        return new LogMessage(id, "m", T, LogLevel.ERROR, LogSource.container("web"), 1, "web",
                "abc123def", true, false, null);
    }

    @Test
    @DisplayName("an empty query matches everything")
    void emptyMatchesAll() {
        assertThat(LogQuery.all().matches(message(null))).isTrue();
        assertThat(LogQuery.all().matches(LogMessage.system("x", LogLevel.DEBUG, T))).isTrue();
    }

    @Test
    @DisplayName("each criterion filters on its own")
    void eachCriterion() {
        LogMessage m = message("log-5");
        assertThat(LogQuery.builder().serviceId(1).build().matches(m)).isTrue();
        assertThat(LogQuery.builder().serviceId(2).build().matches(m)).isFalse();
        assertThat(LogQuery.builder().serviceName("web").build().matches(m)).isTrue();
        assertThat(LogQuery.builder().serviceName("we").build().matches(m)).isFalse();
        assertThat(LogQuery.builder().containerId("abc").build().matches(m)).isTrue();
        assertThat(LogQuery.builder().containerId("abc123def").build().matches(m)).isTrue();
        assertThat(LogQuery.builder().containerId("bc1").build().matches(m)).isFalse();
        assertThat(LogQuery.builder().containerId("abc").build()
                .matches(LogMessage.system("x", LogLevel.ERROR, T))).isFalse();
        assertThat(LogQuery.builder().level(LogLevel.INFO).level(LogLevel.ERROR).build().matches(m)).isTrue();
        assertThat(LogQuery.builder().level(LogLevel.INFO).build().matches(m)).isFalse();
        assertThat(LogQuery.builder().sourceType(SourceType.CONTAINER).build().matches(m)).isTrue();
        assertThat(LogQuery.builder().sourceType(SourceType.SYSTEM).sourceType(SourceType.MANAGER).build()
                .matches(m)).isFalse();
        assertThat(LogQuery.builder().afterId("log-4").build().matches(m)).isTrue();
        assertThat(LogQuery.builder().afterId("log-5").build().matches(m)).isFalse();
        assertThat(LogQuery.builder().afterId("log-1").build().matches(message(null))).isFalse();
    }

    @Test
    @DisplayName("deviceId matches exactly, and a message without one only when no deviceId is asked for")
    void deviceId() {
        LogMessage onPi = message("log-1").toBuilder().deviceId("pi-07").build();
        assertThat(LogQuery.builder().deviceId("pi-07").build().matches(onPi)).isTrue();
        assertThat(LogQuery.builder().deviceId("pi-0").build().matches(onPi)).isFalse();
        assertThat(LogQuery.builder().deviceId("pi-07").build().matches(message("log-1"))).isFalse();
        assertThat(LogQuery.all().matches(onPi)).isTrue();
        LogQuery query = LogQuery.builder().deviceId("pi-07").serviceName("web").level(LogLevel.ERROR).build();
        assertThat(query.matches(onPi)).isTrue();
        assertThat(query.toBuilder().build()).isEqualTo(query);
        assertThat(query.withoutLimit().deviceId()).isEqualTo("pi-07");
        // the constructor from before devices existed still builds a query without a device filter
        assertThat(new LogQuery(1, null, null, null, null, null, null, null, null).deviceId()).isNull();
    }

    @Test
    @DisplayName("since is inclusive and until exclusive, at full precision")
    void timeBounds() {
        LogMessage m = message("log-1");
        assertThat(LogQuery.builder().since(T).build().matches(m)).isTrue();
        assertThat(LogQuery.builder().since(T.plusNanos(1)).build().matches(m)).isFalse();
        assertThat(LogQuery.builder().until(T).build().matches(m)).isFalse();
        assertThat(LogQuery.builder().until(T.plusNanos(1)).build().matches(m)).isTrue();
        // The REST API speaks milliseconds: a message at .0005 ms into a millisecond is within [ms, ms+1).
        long ms = T.toEpochMilli();
        assertThat(LogQuery.builder().sinceMillis(ms).untilMillis(ms + 1).build().matches(m)).isTrue();
        assertThat(LogQuery.builder().untilMillis(ms).build().matches(m)).isFalse();
        assertThat(LogQuery.builder().sinceMillis(ms).untilMillis(ms).build().matches(m)).isFalse();
    }

    @Test
    @DisplayName("rejects contradictory or malformed criteria at build time, quoting the value")
    void validation() {
        assertThatThrownBy(() -> LogQuery.builder().sinceMillis(2).untilMillis(1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("since");
        assertThatThrownBy(() -> LogQuery.builder().limit(-1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
        assertThatThrownBy(() -> LogQuery.builder().afterId("x-1").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x-1");
        assertThatThrownBy(() -> LogQuery.builder().containerId("").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LogQuery.builder().level(null))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    @DisplayName("is immutable: later changes to the builder's input do not leak in")
    void immutable() {
        EnumSet<LogLevel> levels = EnumSet.of(LogLevel.INFO);
        LogQuery query = LogQuery.builder().levels(levels).limit(5).build();
        levels.add(LogLevel.ERROR);
        assertThat(query.levels()).containsExactly(LogLevel.INFO);
        assertThatThrownBy(() -> query.levels().add(LogLevel.WARN)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(query.withoutLimit().limit()).isNull();
        assertThat(query.withoutLimit().levels()).isEqualTo(query.levels());
        assertThat(query.toBuilder().build()).isEqualTo(query);
    }
}

package io.containerlogging.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class MutableClockTest {

    private static final Instant START = Instant.parse("2026-03-01T12:00:00.123456789Z");

    @Test
    void standsStillUntilMoved() {
        MutableClock clock = new MutableClock(START);

        assertThat(clock.instant()).isEqualTo(START);
        assertThat(clock.millis()).isEqualTo(START.toEpochMilli());
        assertThat(clock.getZone()).isEqualTo(ZoneOffset.UTC);
    }

    @Test
    void advancesAndSets() {
        MutableClock clock = new MutableClock(START);

        assertThat(clock.advance(Duration.ofHours(25))).isEqualTo(START.plus(Duration.ofHours(25)));
        assertThat(clock.instant()).isEqualTo(START.plus(Duration.ofHours(25)));
        clock.advance(Duration.ofNanos(-1));
        assertThat(clock.instant()).isEqualTo(START.plus(Duration.ofHours(25)).minusNanos(1));
        clock.set(START);
        assertThat(clock.instant()).isEqualTo(START);
    }
}

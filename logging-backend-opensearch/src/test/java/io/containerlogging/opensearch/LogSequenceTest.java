package io.containerlogging.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.containerlogging.core.LogId;
import io.containerlogging.tck.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The id sequence on its own: no node needed. */
class LogSequenceTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));

    @Test
    @DisplayName("strictly increases, even on a clock that stands still or steps back")
    void increases() {
        LogSequence sequence = new LogSequence(5, clock);
        long previous = 0;
        for (int i = 0; i < 2_000; i++) {
            if (i == 1_000) {
                clock.advance(Duration.ofSeconds(-10));
            }
            long next = sequence.next();
            assertThat(next).isGreaterThan(previous);
            previous = next;
        }
    }

    @Test
    @DisplayName("follows the clock: a message a millisecond later gets a larger id than a burst before it")
    void followsClock() {
        LogSequence a = new LogSequence(1, clock);
        LogSequence b = new LogSequence(2, clock);
        long first = a.next();
        clock.advance(Duration.ofMillis(1));
        assertThat(b.next()).isGreaterThan(first);
    }

    @Test
    @DisplayName("two devices with different slots never share an id, at the same instant")
    void devicesDoNotCollide() {
        Set<Long> ids = new HashSet<>();
        for (int slot = 0; slot < LogSequence.SLOTS; slot += 97) {
            LogSequence sequence = new LogSequence(slot, clock);
            for (int i = 0; i < 500; i++) {
                long id = sequence.next();
                assertThat(ids.add(id)).isTrue();
                assertThat(LogSequence.slotOfSequence(id)).isEqualTo(slot);
            }
        }
    }

    @Test
    @DisplayName("continues after a stored id, and fits log-N (18 digits) until 2089")
    void continuesAndFits() {
        LogSequence sequence = new LogSequence(3, clock);
        long stored = sequence.next() + (1L << 30); // a previous run far ahead of the clock
        sequence.continueAfter(stored);
        assertThat(sequence.next()).isGreaterThan(stored);

        LogSequence late = new LogSequence(LogSequence.SLOTS - 1, new MutableClock(Instant.parse("2089-01-01T00:00:00Z")));
        long id = late.next();
        assertThat(LogId.sequence(LogId.format(id))).isEqualTo(id);
        assertThat(LogSequence.slotOf("pi-07")).isBetween(0, LogSequence.SLOTS - 1).isEqualTo(LogSequence.slotOf("pi-07"));
        assertThatThrownBy(() -> new LogSequence(LogSequence.SLOTS, clock)).isInstanceOf(IllegalArgumentException.class);
    }
}

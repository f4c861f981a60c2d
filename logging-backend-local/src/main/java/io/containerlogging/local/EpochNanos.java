package io.containerlogging.local;

import java.time.Instant;

/**
 * Timestamps as one {@code long} of nanoseconds since the epoch, as the ring, the reload and the
 * removal records keep them: 8 bytes instead of an {@code Instant}'s 24 and a reference. A long
 * holds the years 1678 to 2261; an instant outside them becomes {@link #TOO_EARLY} or
 * {@link #TOO_LATE}, which still order correctly against every other value, and whoever needs
 * the instant itself keeps it next to the value ({@link #isExact}).
 *
 * <p>Stateless.
 */
final class EpochNanos {

    /** The value of every instant before the range; above Long.MIN_VALUE, the "nothing" marker. */
    static final long TOO_EARLY = Long.MIN_VALUE + 1;
    /** The value of every instant after the range. */
    static final long TOO_LATE = Long.MAX_VALUE;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private EpochNanos() {
    }

    static long of(Instant instant) {
        return of(instant.getEpochSecond(), instant.getNano());
    }

    /** The value of the instant {@code epochSecond} + {@code nano}. */
    static long of(long epochSecond, int nano) {
        if (epochSecond >= Long.MAX_VALUE / NANOS_PER_SECOND) {
            return TOO_LATE;
        }
        if (epochSecond <= Long.MIN_VALUE / NANOS_PER_SECOND) {
            return TOO_EARLY;
        }
        return epochSecond * NANOS_PER_SECOND + nano;
    }

    /** Whether {@code nanos} is the instant itself rather than a bound of the range. */
    static boolean isExact(long nanos) {
        return nanos != TOO_EARLY && nanos != TOO_LATE;
    }

    /** The instant of {@code nanos}, a value that {@link #isExact}. */
    static Instant instant(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, NANOS_PER_SECOND), Math.floorMod(nanos, NANOS_PER_SECOND));
    }
}

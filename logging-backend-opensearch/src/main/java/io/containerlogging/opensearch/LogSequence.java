package io.containerlogging.opensearch;

import io.containerlogging.core.spi.IdSequence;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.zip.CRC32;

/**
 * The sequence numbers behind the {@code log-N} ids of one {@link OpenSearchLogBackend}: unique
 * across the devices of a fleet and across restarts, strictly increasing per backend, and
 * ordered roughly by time across devices, so that one central index can be paged by id.
 *
 * <p>{@code N = tick << 10 | slot}, where
 * <ul>
 *   <li>{@code slot} (10 bits, 0..1023) is the device's slot: by default a CRC-32 of its device
 *       id, or set explicitly so that a fleet can guarantee distinct slots;</li>
 *   <li>{@code tick} is {@code max(previous tick + 1, (clock millis since 2020-01-01) << 8)}:
 *       the clock in 1/256 ms steps, so up to 256 messages a millisecond keep pace with the
 *       clock and a faster burst runs ahead of it and is caught up with later.</li>
 * </ul>
 * That is at most 59 bits, well inside the 18 decimal digits of {@link io.containerlogging.core.LogId}
 * (until the year 2089). Two backends with different slots never produce the same N; one backend
 * never repeats an N while its clock does not step back further than it has run ahead. A restart
 * that finds its own highest stored N continues after it ({@link #continueAfter(long)}), which
 * covers the rest.
 *
 * <p>Not thread-safe: the backend calls {@link #next()} under its append lock.
 */
final class LogSequence implements IdSequence {

    static final int SLOT_BITS = 10;
    static final int SLOTS = 1 << SLOT_BITS;
    static final int TICKS_PER_MILLI_BITS = 8;
    static final long EPOCH_MILLIS = Instant.parse("2020-01-01T00:00:00Z").toEpochMilli();

    private final int slot;
    private final Clock clock;
    private long lastTick;

    LogSequence(int slot, Clock clock) {
        if (slot < 0 || slot >= SLOTS) {
            throw new IllegalArgumentException("slot must be in [0, " + SLOTS + "), was " + slot);
        }
        this.slot = slot;
        this.clock = clock;
    }

    /** The default slot of a device: a CRC-32 of its id, modulo 1024; 0 without an id. */
    static int slotOf(String deviceId) {
        if (deviceId == null) {
            return 0;
        }
        CRC32 crc = new CRC32();
        crc.update(deviceId.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % SLOTS);
    }

    /** The slot encoded in the low bits of {@code sequence}. */
    static int slotOfSequence(long sequence) {
        return (int) (sequence & (SLOTS - 1));
    }

    int slot() {
        return slot;
    }

    /** The next sequence number, greater than every one returned before. */
    @Override
    public long next() {
        long clockTick = Math.max(0, clock.millis() - EPOCH_MILLIS) << TICKS_PER_MILLI_BITS;
        long tick = Math.max(lastTick + 1, clockTick);
        lastTick = tick;
        return tick << SLOT_BITS | slot;
    }

    /** Makes every later {@link #next()} greater than {@code sequence} (e.g. the highest stored). */
    @Override
    public void continueAfter(long sequence) {
        lastTick = Math.max(lastTick, sequence >>> SLOT_BITS);
    }
}

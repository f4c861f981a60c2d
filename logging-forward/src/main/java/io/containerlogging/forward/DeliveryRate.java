package io.containerlogging.forward;

import java.util.ArrayDeque;

/**
 * At most {@code max} deliveries in any window of {@code windowNanos}: a webhook that alerts a
 * chat channel is not flooded. Deliveries held back are not dropped; the forwarder's next batch
 * simply carries more. Used by the forwarder's thread only.
 */
final class DeliveryRate {

    private final int max;
    private final long windowNanos;
    private final ArrayDeque<Long> starts = new ArrayDeque<>();

    DeliveryRate(int max, long windowNanos) {
        this.max = max;
        this.windowNanos = windowNanos;
    }

    /** When the next delivery may start (System.nanoTime()), {@code now} if it may start at once. */
    long nextAllowed(long now) {
        while (!starts.isEmpty() && now - starts.peekFirst() >= windowNanos) {
            starts.pollFirst();
        }
        return starts.size() < max ? now : starts.peekFirst() + windowNanos;
    }

    void started(long now) {
        starts.addLast(now);
        if (starts.size() > max) {
            starts.pollFirst();
        }
    }
}

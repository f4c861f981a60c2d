package io.containerlogging.core.spi;

import io.containerlogging.core.LogId;
import io.containerlogging.core.LogMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Holds written messages back from subscribers and queries until the store has them durably, for
 * a backend that serves only durable messages ({@link AbstractLogBackend#servesOnlyDurable()}).
 *
 * <p>Why: an id served before its line is on the device can die with the process or the machine.
 * The line is then read from Docker again and stored under a new id, and a client that saw the
 * old id (an SSE stream resuming with {@code Last-Event-ID}) would see the line twice. Serving only
 * what is durable closes that window, at the cost of up to one flush interval of latency.
 *
 * <p>The writer hands over what it wrote ({@link #written}), in id order; at each flush it
 * {@link #take}s what is pending, and once the files are forced {@link #publish}es it: the
 * visible watermark moves first, then subscribers get the messages, so a stream that subscribes,
 * then replays up to the watermark, misses none (it skips what it already sent by id).
 *
 * <p>Thread-safety: {@link #written} and {@link #take} from the writer thread, {@link #publish}
 * from the one thread that forces files; the rest from any.
 */
final class DurablePublisher {

    /** How long one flush's burst may wait for subscribers with a full buffer before it drops for them. */
    private static final Duration PATIENCE = Duration.ofMillis(500);

    private final LogFanout fanout;
    private final Object lock = new Object();
    private List<LogMessage> pending = new ArrayList<>(); // guarded by lock
    private volatile long visibleThrough;
    private long publishedThrough; // guarded by lock

    DurablePublisher(LogFanout fanout) {
        this.fanout = fanout;
    }

    /** Everything up to {@code sequence} is visible: what the store held at start. */
    void startAfter(long sequence) {
        synchronized (lock) {
            visibleThrough = sequence;
            publishedThrough = sequence;
        }
    }

    /** The highest sequence queries may answer. */
    long visibleThrough() {
        return visibleThrough;
    }

    /** The writer wrote {@code messages} (not yet forced). */
    void written(List<LogMessage> messages) {
        synchronized (lock) {
            pending.addAll(messages);
        }
    }

    /** What was written since the last call: to publish once it is forced. */
    List<LogMessage> take() {
        synchronized (lock) {
            if (pending.isEmpty()) {
                return List.of();
            }
            List<LogMessage> taken = pending;
            pending = new ArrayList<>();
            return taken;
        }
    }

    /** {@code messages} (from {@link #take}) are durable: make them visible, then publish them. */
    void publish(List<LogMessage> messages) {
        if (messages.isEmpty()) {
            return;
        }
        long last = LogId.trySequence(messages.get(messages.size() - 1).id());
        if (last > visibleThrough) {
            visibleThrough = last;
        }
        fanout.publish(messages, PATIENCE);
        synchronized (lock) {
            publishedThrough = Math.max(publishedThrough, last);
            lock.notifyAll();
        }
    }

    /**
     * Waits until {@code sequence} is visible and published to subscribers, at most {@code timeoutNanos}.
     *
     * @return true if it is
     */
    boolean awaitPublished(long sequence, long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        synchronized (lock) {
            while (publishedThrough < sequence) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return true;
        }
    }
}

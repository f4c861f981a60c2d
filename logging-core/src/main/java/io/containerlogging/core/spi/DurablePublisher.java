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
 * <p>While nobody subscribes, written messages are not held at all, only the last sequence: at
 * Docker's full speed a flush's worth of them (up to half a ring, more while a slow disk forces)
 * outlived several young collections and was most of what the old generation had to make room
 * for (issue 19). A subscription that starts meanwhile first waits until what was written
 * without being held is published ({@link #unheldSince}): its replay up to the watermark then
 * covers those messages, and every message written after it subscribed is held for it.
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
    private long writtenThrough; // guarded by lock: the last sequence written, held or not
    private long unheldThrough; // guarded by lock: the last sequence written while nobody subscribed
    private volatile long visibleThrough;
    private long publishedThrough; // guarded by lock

    /** What one flush made durable: the messages to publish (none if nobody subscribed) and the watermark. */
    record Durable(List<LogMessage> messages, long through) {
        static final Durable NONE = new Durable(List.of(), 0);
    }

    DurablePublisher(LogFanout fanout) {
        this.fanout = fanout;
    }

    /** Everything up to {@code sequence} is visible: what the store held at start. */
    void startAfter(long sequence) {
        synchronized (lock) {
            visibleThrough = sequence;
            publishedThrough = sequence;
            writtenThrough = sequence;
        }
    }

    /** The highest sequence queries may answer. */
    long visibleThrough() {
        return visibleThrough;
    }

    /** The writer wrote {@code messages} (not yet forced), in id order. */
    void written(List<LogMessage> messages) {
        if (messages.isEmpty()) {
            return;
        }
        long last = LogId.trySequence(messages.get(messages.size() - 1).id());
        synchronized (lock) {
            // Checked under the lock that unheldSince() reads unheldThrough under: a subscription
            // registered before this check gets these messages published, one registered after
            // it waits for them to be visible.
            if (fanout.subscriberCount() == 0) {
                unheldThrough = Math.max(unheldThrough, last);
            } else {
                pending.addAll(messages);
            }
            writtenThrough = Math.max(writtenThrough, last);
        }
    }

    /** What was written since the last call: to publish once it is forced. */
    Durable take() {
        synchronized (lock) {
            if (writtenThrough <= publishedThrough && pending.isEmpty()) {
                return Durable.NONE;
            }
            List<LogMessage> taken = pending.isEmpty() ? List.of() : pending;
            pending = new ArrayList<>();
            return new Durable(taken, writtenThrough);
        }
    }

    /** {@code durable} (from {@link #take}) is durable: make it visible, then publish its messages. */
    void publish(Durable durable) {
        long last = durable.through();
        if (last == 0) {
            return;
        }
        if (last > visibleThrough) {
            visibleThrough = last;
        }
        fanout.publish(durable.messages(), PATIENCE);
        synchronized (lock) {
            publishedThrough = Math.max(publishedThrough, last);
            lock.notifyAll();
        }
    }

    /**
     * For a subscription that has just been registered: the last sequence written without being
     * held (because nobody subscribed then) that is not published yet, or 0 if there is none. The
     * subscription should wait for it ({@link #awaitPublished}) before it replays.
     */
    long unheldSince() {
        synchronized (lock) {
            return unheldThrough > publishedThrough ? unheldThrough : 0;
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

package io.containerlogging.core.spi;

import io.containerlogging.core.LogBackend;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.core.LogSubscriber;
import io.containerlogging.core.LogSubscription;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Live delivery of stored messages to {@link LogSubscriber}s, for {@link LogBackend}
 * implementations: a backend calls {@link #publish(LogMessage)} for every message it stores and
 * delegates {@code subscribe}, {@code subscriberCount} and part of {@code close} here.
 *
 * <p>Each subscription has its own bounded queue; {@link #publish} only offers to those queues
 * (never blocks, drops and counts on overflow), and a worker thread drains a queue only while it
 * has messages, so idle subscriptions hold no thread. Workers are daemon threads named
 * {@code container-logging-subscriber-N} unless another {@link ThreadFactory} is given.
 *
 * <p>Thread-safety: all methods are thread-safe. Delivery follows the order of {@link #publish}
 * calls, so a backend that needs id order calls it in id order (e.g. under its append lock).
 */
public final class LogFanout implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(LogFanout.class.getName());
    private final ExecutorService executor;
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private final AtomicLong dropped = new AtomicLong(); // for every subscription, closed ones included
    private volatile boolean closed;

    /** A fan-out whose workers are named daemon threads. */
    public LogFanout() {
        this(DaemonThreads.factory("subscriber"));
    }

    public LogFanout(ThreadFactory threadFactory) {
        // Cached pool: one worker per subscription that currently has messages waiting; a slow
        // subscriber holds only its own worker, never another subscriber's or the publisher.
        this.executor = Executors.newCachedThreadPool(Objects.requireNonNull(threadFactory, "threadFactory"));
    }

    /**
     * Opens a subscription; see {@link LogBackend#subscribe(LogQuery, int, LogSubscriber)}.
     *
     * @throws IllegalArgumentException if {@code bufferSize < 1}
     * @throws IllegalStateException if this fan-out is closed
     */
    public LogSubscription subscribe(LogQuery filter, int bufferSize, LogSubscriber subscriber) {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(subscriber, "subscriber");
        if (bufferSize < 1) {
            throw new IllegalArgumentException("bufferSize must be >= 1, was " + bufferSize);
        }
        if (closed) {
            throw new IllegalStateException("closed");
        }
        Subscription subscription = new Subscription(filter.withoutLimit(), bufferSize, subscriber);
        subscriptions.add(subscription);
        if (closed) { // close() raced with us: make sure this one does not outlive it
            subscription.close();
            throw new IllegalStateException("closed");
        }
        return subscription;
    }

    /** Offers a stored message to every subscription whose filter it matches. Never blocks. */
    public void publish(LogMessage stored) {
        if (subscriptions.isEmpty()) { // the usual case on the log() path: no iterator made
            return;
        }
        for (Subscription subscription : subscriptions) {
            subscription.offer(stored);
        }
    }

    /**
     * Offers stored messages, in order, to every subscription whose filter they match, waiting up
     * to {@code patience} in all for subscriptions whose buffer is full before dropping for them.
     * For a publisher off the {@code log()} path that hands over a burst at once (a backend that
     * serves only durable messages publishes a whole flush), so that a subscriber keeping up on
     * average does not lose the burst's tail; a stuck subscriber costs at most the patience.
     *
     * @param batch messages in the order to deliver them
     * @param patience the most this call waits in total
     */
    public void publish(List<LogMessage> batch, Duration patience) {
        if (subscriptions.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + patience.toNanos();
        for (LogMessage stored : batch) {
            for (Subscription subscription : subscriptions) {
                subscription.offer(stored, deadline);
            }
        }
    }

    /** The number of open subscriptions. */
    public int subscriberCount() {
        return subscriptions.size();
    }

    /** Messages waiting in the open subscriptions' buffers now: how far behind the subscribers are. */
    public long queued() {
        long queued = 0;
        for (Subscription subscription : subscriptions) {
            queued += subscription.queue.size();
        }
        return queued;
    }

    /** Messages dropped so far for subscribers whose buffer was full, closed subscriptions included. */
    public long dropped() {
        return dropped.get();
    }

    /** Closes every subscription and stops the workers, waiting up to a second for them. */
    @Override
    public void close() {
        closed = true;
        for (Subscription subscription : subscriptions) {
            subscription.close();
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(1, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private final class Subscription implements LogSubscription, Runnable {
        private final LogQuery filter;
        private final ArrayBlockingQueue<LogMessage> queue;
        private final LogSubscriber subscriber;
        private final AtomicLong dropped = new AtomicLong();
        private final AtomicLong unreportedDrops = new AtomicLong();
        // True while a worker is scheduled or running for this subscription; guarantees one
        // delivery at a time, in queue order.
        private final AtomicBoolean scheduled = new AtomicBoolean();
        private final AtomicBoolean closed = new AtomicBoolean();

        Subscription(LogQuery filter, int bufferSize, LogSubscriber subscriber) {
            this.filter = filter;
            this.queue = new ArrayBlockingQueue<>(bufferSize);
            this.subscriber = subscriber;
        }

        void offer(LogMessage message) {
            if (closed.get() || !filter.matches(message)) {
                return;
            }
            if (!queue.offer(message)) {
                dropped.incrementAndGet();
                unreportedDrops.incrementAndGet();
                LogFanout.this.dropped.incrementAndGet();
            }
            schedule();
        }

        /** Like {@link #offer(LogMessage)}, but waits until {@code deadline} for room. */
        void offer(LogMessage message, long deadline) {
            if (closed.get() || !filter.matches(message)) {
                return;
            }
            if (!queue.offer(message)) {
                schedule(); // let the worker make room
                long left = deadline - System.nanoTime();
                boolean taken = false;
                try {
                    taken = left > 0 && queue.offer(message, left, TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (!taken) {
                    dropped.incrementAndGet();
                    unreportedDrops.incrementAndGet();
                    LogFanout.this.dropped.incrementAndGet();
                }
            }
            schedule();
        }

        private void schedule() {
            if (scheduled.compareAndSet(false, true)) {
                try {
                    executor.execute(this);
                } catch (RejectedExecutionException e) {
                    scheduled.set(false); // shutting down
                }
            }
        }

        @Override
        public void run() {
            try {
                while (true) {
                    drain();
                    scheduled.set(false);
                    // A publish between drain() and the reset saw scheduled == true and did not
                    // schedule: look again so its message is not stranded.
                    if (closed.get() || (queue.isEmpty() && unreportedDrops.get() == 0)
                            || !scheduled.compareAndSet(false, true)) {
                        return;
                    }
                }
            } catch (Throwable t) {
                scheduled.set(false);
                LOG.log(System.Logger.Level.DEBUG, "subscriber failed; closing its subscription", t);
                close();
            }
        }

        private void drain() {
            while (!closed.get()) {
                long drops = unreportedDrops.getAndSet(0);
                if (drops > 0) {
                    subscriber.onDropped(drops);
                }
                LogMessage next = queue.poll();
                if (next == null) {
                    return;
                }
                subscriber.onLog(next);
            }
        }

        @Override
        public long dropped() {
            return dropped.get();
        }

        @Override
        public boolean isClosed() {
            return closed.get();
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                subscriptions.remove(this);
                queue.clear();
                try {
                    subscriber.onClosed();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.DEBUG, "subscriber's onClosed failed", e);
                }
            }
        }
    }
}

package io.containerlogging.core;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * Stores log messages and answers queries over them; the SPI every storage backend implements.
 *
 * <p>Lifecycle: construct, {@link #initialize()} once, use from any number of threads,
 * {@link #close()}. Every implementation must pass the contract suite in
 * {@code logging-backend-tck}.
 *
 * <p>Thread-safety: all methods may be called concurrently. {@link #log(LogMessage)} is the hot
 * path: it never blocks on I/O or on subscribers and never throws for a valid message.
 */
public interface LogBackend extends AutoCloseable {

    /**
     * Prepares the backend: creates directories, reloads persisted messages, starts background
     * work. Called once, before anything else.
     *
     * @throws IOException if the backend cannot work at all (e.g. its directory is not writable);
     *     bad <em>content</em> (a corrupt file) must never make this fail
     * @throws IllegalStateException if called twice or after {@link #close()}
     */
    void initialize() throws IOException;

    /**
     * Stores {@code message}, assigning it the next id ({@code log-N}, N strictly increasing in
     * the order messages are stored), and hands it to every matching subscriber.
     * Any id already on {@code message} is ignored.
     *
     * <p>Never blocks on I/O or subscribers. If the backend is closed, the message is dropped and
     * returned unchanged (without id).
     *
     * @return the stored message, with its id
     * @throws NullPointerException if {@code message} is null
     */
    LogMessage log(LogMessage message);

    /**
     * The stored messages matching {@code query}, oldest first; with a limit, the newest
     * {@code limit} of them (still oldest first).
     *
     * @param query the filters and limit
     * @return the matching messages, oldest first
     * @throws BackendUnavailableException if the store cannot answer now (e.g. a remote store is
     *     unreachable)
     */
    List<LogMessage> getLogs(LogQuery query);

    /**
     * The number of stored messages.
     *
     * @return how many messages are stored
     * @throws BackendUnavailableException if the store cannot answer now
     */
    long count();

    /**
     * The number of stored messages matching {@code query}; its limit is ignored.
     *
     * @param query the filters
     * @return how many stored messages match
     * @throws BackendUnavailableException if the store cannot answer now
     */
    long count(LogQuery query);

    /**
     * Removes every message older than {@code maxAge} (by the backend's clock), in memory and on
     * disk.
     *
     * @param maxAge how old a message may be to stay
     * @return how many messages were removed
     * @throws BackendUnavailableException if the store cannot be reached now
     */
    long cleanup(Duration maxAge);

    /**
     * Delivers every message stored from now on that matches {@code filter} (its limit is
     * ignored) to {@code subscriber}, in id order, on a thread owned by the backend, with the
     * default buffer of {@link LogSubscriber#DEFAULT_BUFFER_SIZE} messages.
     *
     * @see #subscribe(LogQuery, int, LogSubscriber)
     */
    default LogSubscription subscribe(LogQuery filter, LogSubscriber subscriber) {
        return subscribe(filter, LogSubscriber.DEFAULT_BUFFER_SIZE, subscriber);
    }

    /**
     * Delivers every message stored from now on that matches {@code filter} (its limit is
     * ignored) to {@code subscriber}, in id order, on a thread owned by the backend.
     *
     * <p>A slow subscriber never slows {@link #log(LogMessage)}: up to {@code bufferSize}
     * messages wait for it; beyond that, messages are dropped for this subscriber alone, counted,
     * and reported through {@link LogSubscriber#onDropped(long)} before the next delivered one.
     *
     * <p>A backend that shows messages only once they are durable may first wait, at most its
     * flush timeout, until the messages stored before the call are durable, so that a query made
     * after subscribing sees every message the subscriber does not get.
     *
     * @throws IllegalArgumentException if {@code bufferSize < 1}
     * @throws IllegalStateException if the backend is closed
     */
    LogSubscription subscribe(LogQuery filter, int bufferSize, LogSubscriber subscriber);

    /**
     * Makes everything logged so far visible to queries: when this returns, {@link #getLogs},
     * {@link #count()} and {@link #cleanup} see every message whose {@link #log} call returned
     * before this call began (unless the backend dropped it, as its documentation describes).
     *
     * <p>For a backend whose reads see writes at once, as the local backend's do, this does
     * nothing, which is the default. A backend that writes in the background (a remote store)
     * waits, a bounded time it documents, for its writer to hand everything over and for the
     * store to make it searchable. Not for the hot path; for tests, shutdown and tools.
     */
    default void flush() {
    }

    /**
     * The number of open subscriptions.
     *
     * @return how many subscriptions are open
     */
    int subscriberCount();

    /**
     * Whether {@link #log(LogMessage)} hands messages to a bounded queue of the backend's own,
     * written by a background thread. A collector then writes straight into the backend instead
     * of putting a queue of its own in front of it, so there is one queue between a container and
     * the store. False by default: the caller cannot assume {@code log()} returns quickly.
     *
     * @return true if {@code log()} only queues
     */
    default boolean buffersWrites() {
        return false;
    }

    /**
     * Where reading a container stream stands in this backend: the Docker timestamp of the newest
     * line of that stream it stores, and how many lines share it. A collector resumes there, so a
     * line is never read twice or skipped, across restarts too where the backend keeps checkpoints.
     * The position is durable state of its own, not derived from the messages the backend still
     * holds: eviction and retention never move it back. Empty if the backend has stored no line of
     * that stream (or does not track positions, the default).
     *
     * @param containerId the full container id
     * @param stdErr true for stderr, false for stdout
     * @return the position, or empty
     */
    default java.util.Optional<ReadCheckpoint> readPosition(String containerId, boolean stdErr) {
        return java.util.Optional.empty();
    }

    /**
     * What the backend has done so far; see {@link BackendStatistics}. By default, only the
     * subscriber count is known.
     *
     * @return a snapshot of the counters
     */
    default BackendStatistics statistics() {
        return new BackendStatistics(0, 0, 0, 0, 0, 0, subscriberCount(), 0, 0);
    }

    /**
     * Stops background work, flushes what is buffered, and releases files and threads; open
     * subscriptions are closed. Waits a bounded time. Safe to call more than once.
     */
    @Override
    void close();
}

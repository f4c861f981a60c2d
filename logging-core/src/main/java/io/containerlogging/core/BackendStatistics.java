package io.containerlogging.core;

/**
 * What a {@link LogBackend} has done since it was built, as counters that only grow (except
 * {@code queued}, {@code subscribers} and {@code subscriberQueued}, which are the state now). The same names are used by
 * every component of the library: <em>logged</em> is what was offered, <em>written</em> what reached
 * the store, <em>dropped</em> what was lost on the way (and reported as a {@code warn} system
 * message), <em>rejected</em> what the store refused for good, <em>skipped</em> what was found
 * corrupt when reading back.
 *
 * @param logged messages accepted by {@code log()} while the backend was running
 * @param written messages the store acknowledged: in memory and, where the backend persists, on
 *     its files or remote store
 * @param dropped messages lost between {@code log()} and the store: a full queue, a writer that
 *     fell behind or failed, messages left at close
 * @param rejected messages the store refused for good (e.g. a mapping conflict), not retried
 * @param skipped corrupt lines or records skipped while reloading
 * @param queued messages waiting to be written now
 * @param subscribers open live subscriptions now
 * @param subscriberQueued messages waiting in the live subscriptions' buffers now: how far the
 *     subscribers (e.g. event streams to slow clients) are behind
 * @param subscriberDropped messages dropped for subscribers whose buffer was full, so far (each
 *     subscriber was told how many)
 */
public record BackendStatistics(long logged, long written, long dropped, long rejected, long skipped,
        long queued, int subscribers, long subscriberQueued, long subscriberDropped) {
}

package io.containerlogging.local;

import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.core.LogSource;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.HashMap;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The newest {@code capacity} messages in memory, indexed for the queries the API makes: storing
 * one more evicts the oldest. Next to the ring, an index of positions per service name and per
 * container id lets a query with one of those filters visit only its candidates, and a time index
 * lets a {@code since} query stop where nothing older can match; every query walks newest first
 * and stops at its {@code limit} or its {@code afterId}, so {@code serviceName + level + limit 100}
 * over a million stored messages touches a few hundred of them. Repeated strings (service names,
 * container ids) and sources are stored once and shared.
 *
 * <p>With persistence on, the ring is also the hand-off buffer to the file writer: the writer
 * copies what it has not yet written ({@link #drainUnwritten}); a message evicted before the
 * writer reached it is counted ({@link #overrunDropped()}).
 *
 * <p>Thread-safety: one read-write lock guards everything; appends and removals take the write
 * lock, queries and the writer's copies the read lock.
 */
final class MessageRing {

    private final int capacity;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    // Guarded by lock. Every stored message gets a position (0, 1, 2, ...) that maps to ring slot
    // position % capacity; the ring holds positions [head, tail). A slot is null if cleanup
    // removed its message. Positions and ids both increase, so the newest-first walk can stop at
    // an afterId; ids need not be contiguous (a reload brings back ids with gaps).
    private final LogMessage[] ring;
    private final long[] sequences;
    // The time index: per slot, the newest timestamp (epoch ns) of every message stored up to
    // that position, evicted ones included. It never decreases along positions, although
    // timestamps may (containers' clocks and arrival order differ), so a newest-first walk for
    // `since` stops at the first position whose value is below it: nothing at or before that
    // position can match. Costs 8 bytes a message.
    private final long[] newestUpTo;
    private long newestSoFar = Long.MIN_VALUE;
    private long head;
    private long tail;
    private long live;
    private long appendsSinceSweep;
    private final Map<String, PositionIndex> byServiceName = new HashMap<>();
    private final Map<String, PositionIndex> byContainerId = new HashMap<>();
    private final Map<LogSource, LogSource> sources = new HashMap<>();

    // Persistence hand-off. writeCursor: the position the writer reads next; written by the writer
    // under the read lock, read by append under the write lock.
    private volatile boolean tracksWrites;
    private volatile long writeCursor;
    private volatile long overrunDropped; // written under the write lock
    // tail, for unlocked readers of unwrittenHint(); written with a release store (no fence per append)
    private final java.util.concurrent.atomic.AtomicLong publishedTail = new java.util.concurrent.atomic.AtomicLong();

    MessageRing(int capacity) {
        this.capacity = capacity;
        this.ring = new LogMessage[capacity];
        this.sequences = new long[capacity];
        this.newestUpTo = new long[capacity];
    }

    int capacity() {
        return capacity;
    }

    /** The write lock: the backend holds it for every append (its append lock). */
    java.util.concurrent.locks.Lock writeLock() {
        return lock.writeLock();
    }

    /**
     * Appends {@code message} as {@code id} with {@code deviceId} and returns it as stored,
     * built once with the canonical copies of repeated strings. The caller holds {@link #writeLock()}.
     */
    LogMessage append(LogMessage message, String id, String deviceId, long sequence) {
        return appendLocked(message, id, deviceId, sequence);
    }

    /**
     * Puts reloaded messages back (in id order), as already written; with {@code tracksWrites}
     * the writer then starts after them.
     */
    void reload(List<LogMessage> messages, boolean tracksWrites) {
        lock.writeLock().lock();
        try {
            for (LogMessage message : messages) {
                appendLocked(message, message.id(), message.deviceId(),
                        io.containerlogging.core.LogId.sequence(message.id()));
            }
            writeCursor = tail; // already on disk
            publishedTail.set(tail);
            this.tracksWrites = tracksWrites;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * The sequence of the oldest slot still held, or 0 if none is: every message with a smaller
     * sequence left memory (evicted, removed, or not reloaded at start).
     */
    long oldestSequence() {
        lock.readLock().lock();
        try {
            return tail == head ? 0 : sequences[slot(head)];
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Forgets everything, as if new. */
    void clear() {
        lock.writeLock().lock();
        try {
            Arrays.fill(ring, null);
            head = 0;
            tail = 0;
            publishedTail.set(0);
            newestSoFar = Long.MIN_VALUE;
            live = 0;
            writeCursor = 0;
            tracksWrites = false;
            byServiceName.clear();
            byContainerId.clear();
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Messages stored but not yet copied by the writer, read without the lock: a hint, exact
     * only while no append or copy runs.
     */
    long unwrittenHint() {
        return publishedTail.get() - writeCursor;
    }

    private LogMessage appendLocked(LogMessage message, String id, String deviceId, long sequence) {
        PositionIndex service = message.serviceName() == null ? null
                : byServiceName.computeIfAbsent(message.serviceName(), PositionIndex::new);
        PositionIndex container = message.containerId() == null ? null
                : byContainerId.computeIfAbsent(message.containerId(), PositionIndex::new);
        LogSource source = sources.get(message.source());
        if (source == null) {
            source = message.source();
            if (sources.size() < 10_000) { // sources are few; the bound only guards memory
                sources.put(source, source);
            }
        }
        LogMessage stored = new LogMessage(id, message.message(), message.timestamp(), message.level(), source,
                message.serviceId(), service == null ? null : service.key, container == null ? null : container.key,
                message.isStdErr(), message.isSystem(), deviceId, message.levelSource(), message.fields());

        if (tail - head == capacity) {
            int evicted = slot(head);
            if (ring[evicted] != null) {
                live--;
                if (tracksWrites && head >= writeCursor) {
                    overrunDropped++;
                }
            }
            head++;
        }
        long position = tail++;
        publishedTail.lazySet(tail);
        int slot = slot(position);
        ring[slot] = stored;
        sequences[slot] = sequence;
        newestSoFar = Math.max(newestSoFar, epochNanos(stored.timestamp()));
        newestUpTo[slot] = newestSoFar;
        live++;
        if (service != null) {
            service.add(position);
        }
        if (container != null) {
            container.add(position);
        }
        if (++appendsSinceSweep >= capacity) {
            sweepIndexes();
        }
        return stored;
    }

    static long epochNanos(Instant instant) {
        long seconds = instant.getEpochSecond();
        if (seconds >= Long.MAX_VALUE / 1_000_000_000L) {
            return Long.MAX_VALUE;
        }
        if (seconds <= Long.MIN_VALUE / 1_000_000_000L) {
            return Long.MIN_VALUE + 1; // above the "nothing stored" marker
        }
        return seconds * 1_000_000_000L + instant.getNano();
    }

    private int slot(long position) {
        return (int) (position % capacity);
    }

    private void sweepIndexes() {
        appendsSinceSweep = 0;
        sweep(byServiceName);
        sweep(byContainerId);
    }

    private void sweep(Map<String, PositionIndex> indexes) {
        for (Iterator<PositionIndex> it = indexes.values().iterator(); it.hasNext(); ) {
            PositionIndex index = it.next();
            index.trimBelow(head);
            if (index.size() == 0) {
                it.remove();
            }
        }
    }

    // ---- reading ------------------------------------------------------------------------------

    /** See {@link io.containerlogging.core.LogBackend#getLogs}. */
    List<LogMessage> query(LogQuery query) {
        return query(query, Long.MAX_VALUE);
    }

    /** {@link #query(LogQuery)} among the messages with a sequence up to {@code through}. */
    List<LogMessage> query(LogQuery query, long through) {
        Objects.requireNonNull(query, "query");
        Integer limit = query.limit();
        if (limit != null && limit == 0) {
            return List.of();
        }
        int max = limit == null ? Integer.MAX_VALUE : limit;
        boolean forward = limit != null && query.afterId() != null;
        // Newest first; for forward paging only the last `max` visited (the oldest after the
        // cursor) are kept: the walk stops at the cursor, so it costs what the poller is behind.
        ArrayDeque<LogMessage> newestFirst = new ArrayDeque<>(Math.min(max, 256));
        lock.readLock().lock();
        try {
            walk(query, through, (message) -> {
                newestFirst.addLast(message);
                if (forward) {
                    if (newestFirst.size() > max) {
                        newestFirst.removeFirst();
                    }
                    return true;
                }
                return newestFirst.size() < max;
            });
        } finally {
            lock.readLock().unlock();
        }
        List<LogMessage> oldestFirst = new ArrayList<>(newestFirst.size());
        newestFirst.descendingIterator().forEachRemaining(oldestFirst::add);
        return oldestFirst;
    }

    /** The number of stored messages matching {@code query}, its limit ignored. */
    long count(LogQuery query) {
        return count(query, Long.MAX_VALUE);
    }

    /** {@link #count(LogQuery)} among the messages with a sequence up to {@code through}. */
    long count(LogQuery query, long through) {
        Objects.requireNonNull(query, "query");
        long[] matches = new long[1];
        lock.readLock().lock();
        try {
            if (query.withoutLimit().equals(LogQuery.all())) {
                // Everything but the newest messages not visible yet (at most one flush's worth).
                long hidden = 0;
                for (long position = tail - 1; position >= head && sequences[slot(position)] > through; position--) {
                    if (ring[slot(position)] != null) {
                        hidden++;
                    }
                }
                return live - hidden;
            }
            walk(query, through, message -> {
                matches[0]++;
                return true;
            });
        } finally {
            lock.readLock().unlock();
        }
        return matches[0];
    }

    /** Receives matching messages, newest first; returns false to stop the walk. */
    private interface Visitor {
        boolean visit(LogMessage message);
    }

    /**
     * Visits the messages matching {@code query} (its limit aside) newest first, under the read
     * lock. Uses the smallest applicable index, else the whole ring.
     */
    private void walk(LogQuery query, long through, Visitor visitor) {
        long afterSequence = query.afterSequence();
        long since = query.since() == null ? Long.MIN_VALUE : epochNanos(query.since());
        // afterId is enforced by stopping the walk; the rest by matches() (no id parsing per message).
        LogQuery criteria = query.afterId() == null ? query : query.toBuilder().afterId(null).build();
        List<PositionIndex> candidates = candidates(query);
        if (candidates == null) {
            long newest = tail - 1;
            while (newest >= head && sequences[slot(newest)] > through) {
                newest--; // not visible yet: at most the lines of one flush
            }
            // The slot steps down with the position instead of being computed from it: no long
            // division per visited message on the path every unindexed (e.g. search) query takes.
            int slot = newest >= head ? slot(newest) : 0;
            for (long position = newest; position >= head;
                    position--, slot = slot == 0 ? capacity - 1 : slot - 1) {
                if (newestUpTo[slot] < since) {
                    return; // everything from here back is older than `since`
                }
                LogMessage message = ring[slot];
                if (message == null) {
                    continue;
                }
                if (sequences[slot] <= afterSequence) {
                    return;
                }
                if (criteria.matches(message) && !visitor.visit(message)) {
                    return;
                }
            }
            return;
        }
        // Merge the candidate lists newest first (usually one list; several for a short prefix).
        // The per-slot checks are written out in both loops on purpose: sharing them in one
        // method made this query half again as slow (scripts/bench/ab.sh query).
        int lists = candidates.size();
        int[] next = new int[lists];
        while (true) {
            int best = -1;
            long bestPosition = -1;
            for (int i = 0; i < lists; i++) {
                PositionIndex index = candidates.get(i);
                if (next[i] < index.size()) {
                    long position = index.newest(next[i]);
                    if (position > bestPosition) {
                        bestPosition = position;
                        best = i;
                    }
                }
            }
            if (best < 0 || bestPosition < head) {
                return;
            }
            next[best]++;
            int slot = slot(bestPosition);
            if (newestUpTo[slot] < since) {
                return;
            }
            LogMessage message = ring[slot];
            if (message == null) {
                continue;
            }
            if (sequences[slot] <= afterSequence) {
                return;
            }
            if (sequences[slot] <= through && criteria.matches(message) && !visitor.visit(message)) {
                return;
            }
        }
    }

    /**
     * The index lists that hold every candidate for {@code query}: the smaller of the service-name
     * list and the container-id lists; an empty list if a filter matches nothing; null for a full
     * scan.
     */
    private List<PositionIndex> candidates(LogQuery query) {
        List<PositionIndex> best = null;
        long bestSize = Long.MAX_VALUE;
        if (query.serviceName() != null) {
            PositionIndex index = byServiceName.get(query.serviceName());
            if (index == null) {
                return List.of();
            }
            best = List.of(index);
            bestSize = index.size();
        }
        if (query.containerId() != null) {
            String prefix = query.containerId();
            List<PositionIndex> matching = new ArrayList<>(1);
            long size = 0;
            PositionIndex exact = byContainerId.get(prefix);
            if (exact != null && prefix.length() >= 64) { // a full id: nothing longer can start with it
                matching.add(exact);
                size = exact.size();
            } else {
                for (Map.Entry<String, PositionIndex> entry : byContainerId.entrySet()) {
                    if (entry.getKey().startsWith(prefix)) {
                        matching.add(entry.getValue());
                        size += entry.getValue().size();
                    }
                }
            }
            if (matching.isEmpty()) {
                return List.of();
            }
            if (size < bestSize) {
                best = matching;
            }
        }
        return best;
    }

    // ---- removal and hand-off -------------------------------------------------------------------

    /** Removes every message whose timestamp is before {@code cutoff}; returns how many. */
    long removeOlderThan(Instant cutoff) {
        return removeIf(Long.MIN_VALUE, Long.MAX_VALUE, message -> message.timestamp().isBefore(cutoff));
    }

    /**
     * Removes every message with an id sequence from {@code first} to {@code last} that
     * {@code test} accepts; returns how many.
     */
    long removeIf(long first, long last, Predicate<LogMessage> test) {
        long removed = 0;
        lock.writeLock().lock();
        try {
            for (long position = head; position < tail; position++) {
                int slot = slot(position);
                LogMessage message = ring[slot];
                if (message != null && sequences[slot] >= first && sequences[slot] <= last && test.test(message)) {
                    ring[slot] = null;
                    removed++;
                }
            }
            live -= removed;
            while (head < tail && ring[slot(head)] == null) {
                head++;
            }
            if (removed > 0) {
                sweepIndexes();
            }
        } finally {
            lock.writeLock().unlock();
        }
        return removed;
    }

    /**
     * Copies up to {@code max} messages that were stored but not yet handed to the writer, in id
     * order, into {@code batch}, and marks them handed over; returns how many.
     */
    int drainUnwritten(List<LogMessage> batch, int max) {
        lock.readLock().lock();
        try {
            long position = Math.max(writeCursor, head);
            int copied = 0;
            for (; position < tail && copied < max; position++) {
                LogMessage message = ring[slot(position)];
                if (message != null) {
                    batch.add(message);
                    copied++;
                }
            }
            writeCursor = position;
            return copied;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Messages evicted before the writer copied them. */
    long overrunDropped() {
        return overrunDropped;
    }

    /** How many service names and container ids are indexed (for tests of the sweep). */
    int indexedKeys() {
        lock.readLock().lock();
        try {
            return byServiceName.size() + byContainerId.size();
        } finally {
            lock.readLock().unlock();
        }
    }
}

package io.containerlogging.local;

import io.containerlogging.core.LogFields;
import io.containerlogging.core.LogId;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.core.internal.TextSketch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;

/**
 * The newest {@code capacity} messages in memory, indexed for the queries the API makes: storing
 * one more evicts the oldest. Next to the ring, an index of positions per service name and per
 * container id lets a query with one of those filters visit only its candidates, and a time index
 * lets a {@code since} query stop where nothing older can match; every query walks newest first
 * and stops at its {@code limit} or its {@code afterId}, so {@code serviceName + level + limit 100}
 * over a million stored messages touches a few hundred of them.
 *
 * <p>Messages are kept in columns, not as {@link LogMessage}s: per slot the text (as UTF-8 in
 * one byte array, see {@link TextColumn}), the id's sequence, the timestamp in epoch nanoseconds,
 * a reference to the message's {@link MessageShape} (the fields many messages share, stored once:
 * see {@link ShapeTable}) and its parsed fields. A query decides on the columns (the shape's
 * verdict is computed once per shape and query), decodes a text only for a criterion that reads
 * it, and builds a {@link LogMessage} only for what it returns. Beside the text's bytes the
 * columns cost ~48 bytes a message, where a record with its id string and {@code Instant} cost
 * ~190 and a text {@code String} 40 more (HeapPerMessage). Few objects per message also means
 * little for the garbage collector: a full ring that turns over every few hundred milliseconds
 * leaves nothing behind but the newest {@link #RECENT_MESSAGES}.
 *
 * <p>With persistence on, the ring is also the hand-off buffer to the file writer: the writer
 * copies what it has not yet written ({@link #drainUnwritten}); a message evicted before the
 * writer reached it is counted ({@link #overrunDropped()}).
 *
 * <p>Thread-safety: one read-write lock guards everything; appends and removals take the write
 * lock, queries and the writer's copies the read lock.
 */
final class MessageRing {

    /**
     * How many of the newest messages are also kept as the {@link LogMessage}s log() stored, so
     * that the queries most made (a poller's next page, the newest lines of a service) build
     * nothing, and hand out the same instances each time (which the REST API's caches of encoded
     * messages rely on). 256 messages, ~70 KB: these objects die with every turn of the ring, and
     * at Docker's full speed whatever is alive at a young collection is copied, so the window is
     * kept to a few pages of the API's usual {@code limit=100} (it was 16 Ki until issue 19,
     * where its objects were most of what survived the young collections).
     */
    static final int RECENT_MESSAGES = 256;

    private final int capacity;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    // Guarded by lock. Every stored message gets a position (0, 1, 2, ...) that maps to ring slot
    // position % capacity; the ring holds positions [head, tail). A slot without a text
    // (!texts.has) is empty (cleanup removed its message). Positions and ids both increase, so the newest-first
    // walk can stop at an afterId; ids need not be contiguous (a reload brings back ids with gaps).
    private final TextColumn texts;
    private final MessageShape[] shapes;
    private final long[] sequences;
    private final long[] stamps; // epoch nanoseconds, see EpochNanos.TOO_EARLY
    // null, the message's LogFields, or an Exact for a timestamp beyond `stamps`.
    private final Object[] extras;
    // The time index: per slot, the newest timestamp (epoch ns) of every message stored up to
    // that position, evicted ones included. It never decreases along positions, although
    // timestamps may (containers' clocks and arrival order differ), so a newest-first walk for
    // `since` stops at the first position whose value is below it: nothing at or before that
    // position can match. Costs 8 bytes a message.
    private final long[] newestUpTo;
    // The messages at the newest positions, at position & (recent.length - 1); null where a
    // message was removed or reloaded (then built from the columns).
    private final LogMessage[] recent;
    private final ShapeTable shapeTable = new ShapeTable();
    // Made by the first search that can use it (see sketches()); cleared per slot on append.
    private volatile TextSketches sketches;
    private long newestSoFar = Long.MIN_VALUE;
    private long head;
    private long tail;
    private long live;
    private long appendsSinceSweep;

    // Persistence hand-off. writeCursor: the position the writer reads next; written by the writer
    // under the read lock, read by append under the write lock. `pending` holds the messages as
    // log() stored them until the writer copies them (set once persistence starts), so the write
    // path builds nothing again.
    private volatile boolean tracksWrites;
    private volatile long writeCursor;
    private volatile long overrunDropped; // written under the write lock
    private LogMessage[] pending;
    // tail, for unlocked readers of unwrittenHint(); written with a release store (no fence per append)
    private final AtomicLong publishedTail = new AtomicLong();

    /** A timestamp that epoch nanoseconds cannot hold, with the message's fields. */
    private record Exact(Instant timestamp, LogFields fields) {
    }

    MessageRing(int capacity) {
        this.capacity = capacity;
        this.texts = new TextColumn(capacity);
        this.shapes = new MessageShape[capacity];
        this.sequences = new long[capacity];
        this.stamps = new long[capacity];
        this.extras = new Object[capacity];
        this.newestUpTo = new long[capacity];
        this.recent = new LogMessage[Math.min(RECENT_MESSAGES, Integer.highestOneBit(Math.max(1, capacity - 1)) * 2)];
    }

    int capacity() {
        return capacity;
    }

    /** The write lock: the backend holds it for every append (its append lock). */
    Lock writeLock() {
        return lock.writeLock();
    }

    /**
     * Appends {@code message} as {@code id} with {@code deviceId} and returns it as stored,
     * built with the canonical copies of repeated strings. The caller holds {@link #writeLock()}.
     */
    LogMessage append(LogMessage message, String id, String deviceId, long sequence) {
        MessageShape shape = shapeTable.intern(message, deviceId);
        LogMessage stored = shape.message(id, message.message(), message.timestamp(), message.fields());
        long position = appendLocked(sequence, message.message(), message.timestamp(), shape, message.fields());
        recent[(int) position & (recent.length - 1)] = stored;
        long left = position - capacity; // out of the ring now; its recent slot is not reused yet
        if (left >= 0 && recent.length > capacity) {
            // recent is rounded up to a power of two: without this it would keep up to
            // recent.length - capacity evicted messages alive (6 384 of them for the default ring)
            recent[(int) left & (recent.length - 1)] = null;
        }
        if (tracksWrites) {
            pending[slot(position)] = stored;
        }
        return stored;
    }

    /**
     * Puts reloaded messages back from the columns {@link FileReload} read, as already written; with
     * {@code tracksWrites} the writer then starts after them.
     */
    void reload(ReloadedColumns messages, boolean tracksWrites) {
        lock.writeLock().lock();
        try {
            // The reader made each shape once per file: intern each instance once.
            Map<MessageShape, MessageShape> interned = new java.util.IdentityHashMap<>();
            for (int i = 0; i < messages.size(); i++) {
                MessageShape shape = interned.computeIfAbsent(messages.shape(i), shapeTable::intern);
                if (shape.id < 0) { // forgotten by a sweep since: its messages all left again
                    shape = shapeTable.intern(messages.shape(i));
                    interned.put(messages.shape(i), shape);
                }
                long nanos = messages.epochNanos(i);
                Instant exact = EpochNanos.isExact(nanos) ? null : messages.timestamp(i);
                long position = appendLocked(messages.sequence(i), messages.text(i), nanos, exact, shape,
                        messages.fields(i));
                recent[(int) position & (recent.length - 1)] = null; // built from the columns when asked
            }
            reloaded(tracksWrites);
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void reloaded(boolean tracksWrites) {
        writeCursor = tail; // already on disk
        publishedTail.set(tail);
        if (tracksWrites && pending == null) {
            pending = new LogMessage[capacity];
        }
        this.tracksWrites = tracksWrites;
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
            texts.clearAll();
            Arrays.fill(shapes, null);
            Arrays.fill(extras, null);
            Arrays.fill(recent, null);
            sketches = null;
            if (pending != null) {
                Arrays.fill(pending, null);
            }
            head = 0;
            tail = 0;
            publishedTail.set(0);
            newestSoFar = Long.MIN_VALUE;
            live = 0;
            writeCursor = 0;
            tracksWrites = false;
            shapeTable.clear();
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

    private long appendLocked(long sequence, String text, Instant timestamp, MessageShape shape, LogFields fields) {
        long nanos = EpochNanos.of(timestamp);
        return appendLocked(sequence, text, nanos, EpochNanos.isExact(nanos) ? null : timestamp,
                shape, fields);
    }

    private long appendLocked(long sequence, String text, long nanos, Instant exact, MessageShape shape,
            LogFields fields) {
        if (tail - head == capacity) {
            int evicted = slot(head);
            if (texts.has(evicted)) {
                live--;
                shapes[evicted].live--;
                if (tracksWrites && head >= writeCursor) {
                    overrunDropped++;
                }
            }
            head++;
        }
        long position = tail++;
        publishedTail.lazySet(tail);
        int slot = slot(position);
        TextSketches sketched = sketches;
        if (sketched != null) {
            sketched.clear(slot);
        }
        texts.put(slot, text, slot(head));
        shapes[slot] = shape;
        sequences[slot] = sequence;
        stamps[slot] = nanos;
        Object extra = fields == null || fields.isEmpty() ? null : fields;
        extras[slot] = exact == null ? extra : new Exact(exact, fields);
        newestSoFar = Math.max(newestSoFar, nanos);
        newestUpTo[slot] = newestSoFar;
        live++;
        shape.live++;
        if (shape.serviceIndex != null) {
            shape.serviceIndex.add(position);
        }
        if (shape.containerIndex != null) {
            shape.containerIndex.add(position);
        }
        if (++appendsSinceSweep >= capacity) {
            sweepIndexes();
        }
        return position;
    }

    private int slot(long position) {
        return (int) (position % capacity);
    }

    private void sweepIndexes() {
        appendsSinceSweep = 0;
        shapeTable.sweep(head, tail);
        texts.trim(head < tail ? slot(head) : 0, head < tail ? slot(tail - 1) : 0, head == tail);
    }

    // ---- the columns of one slot ---------------------------------------------------------------

    private Instant timestamp(int slot) {
        long nanos = stamps[slot];
        if (!EpochNanos.isExact(nanos)) {
            return ((Exact) extras[slot]).timestamp();
        }
        return EpochNanos.instant(nanos);
    }

    private LogFields fields(int slot) {
        Object extra = extras[slot];
        if (extra == null) {
            return LogFields.empty();
        }
        return extra instanceof LogFields ? (LogFields) extra : ((Exact) extra).fields();
    }

    /** The text of the message at {@code position} in {@code slot}: as stored if it is among the most recent, else decoded. */
    private String text(int slot, long position) {
        String stored = recentText(position);
        return stored != null ? stored : texts.get(slot);
    }

    /** The text of the message at {@code position} as log() stored it, if it is among the most recent; else null. */
    private String recentText(long position) {
        if (position >= tail - recent.length) {
            LogMessage stored = recent[(int) position & (recent.length - 1)];
            if (stored != null) {
                return stored.message();
            }
        }
        return null;
    }

    /**
     * Whether the message at {@code position} in {@code slot} meets the query's text and field
     * criteria: on {@code text} if the caller has it (decoded for a sketch), else on the stored
     * message's text if it is among the most recent, else where the text column keeps it.
     */
    private boolean matchesText(LogQuery query, int slot, long position, String text, boolean byText,
            boolean byFields) {
        LogFields fields = byFields ? fields(slot) : LogFields.empty();
        if (!byText) {
            return query.matchesText("", fields);
        }
        if (text == null) {
            text = recentText(position);
        }
        return text != null ? query.matchesText(text, fields) : texts.matches(slot, query, fields);
    }

    /** The message in {@code slot}: as stored if it is among the most recent, else built from its columns. */
    private LogMessage message(int slot) {
        int headSlot = slot(head);
        long position = head + (slot >= headSlot ? slot - headSlot : slot + capacity - headSlot);
        if (position >= tail - recent.length) {
            LogMessage stored = recent[(int) position & (recent.length - 1)];
            if (stored != null) {
                return stored;
            }
        }
        return shapes[slot].message(LogId.format(sequences[slot]), texts.get(slot), timestamp(slot), fields(slot));
    }

    // Whether the message in `slot` is at or after `since` and before `until` (each null for none).
    private boolean inTime(int slot, Instant since, long sinceNanos, Instant until, long untilNanos) {
        long nanos = stamps[slot];
        if (!EpochNanos.isExact(nanos)) {
            Instant timestamp = timestamp(slot);
            return (since == null || !timestamp.isBefore(since)) && (until == null || timestamp.isBefore(until));
        }
        // Exact for every timestamp in range: a bound beyond it is clamped past every such timestamp.
        return nanos >= sinceNanos && nanos < untilNanos;
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
        SlotBuffer newestFirst = new SlotBuffer(max);
        lock.readLock().lock();
        try {
            walk(query, through, slot -> {
                newestFirst.add(slot);
                return forward || newestFirst.size() < max;
            });
            List<LogMessage> oldestFirst = new ArrayList<>(newestFirst.size());
            for (int i = newestFirst.size() - 1; i >= 0; i--) {
                oldestFirst.add(message(newestFirst.get(i)));
            }
            return oldestFirst;
        } finally {
            lock.readLock().unlock();
        }
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
                    if (texts.has(slot(position))) {
                        hidden++;
                    }
                }
                return live - hidden;
            }
            walk(query, through, slot -> {
                matches[0]++;
                return true;
            });
        } finally {
            lock.readLock().unlock();
        }
        return matches[0];
    }

    /** Receives the slots of matching messages, newest first; returns false to stop the walk. */
    private interface Visitor {
        boolean visit(int slot);
    }

    /**
     * Visits the messages matching {@code query} (its limit aside) newest first, under the read
     * lock. Uses the smallest applicable index, else the whole ring. The criteria on the shared
     * fields are decided once per shape ({@code verdicts}: 0 not yet, 1 matches, 2 does not), the
     * time on the timestamp column, the text and fields last.
     */
    private void walk(LogQuery query, long through, Visitor visitor) {
        long afterSequence = query.afterSequence();
        Instant since = query.since();
        Instant until = query.until();
        boolean timed = since != null || until != null;
        long sinceNanos = since == null ? Long.MIN_VALUE : EpochNanos.of(since);
        long untilNanos = until == null ? Long.MAX_VALUE : EpochNanos.of(until);
        LogQuery shared = ShapeTable.sharedCriteria(query);
        byte[] verdicts = shared == null ? null : new byte[shapeTable.idLimit()];
        boolean textual = query.hasTextOrFieldFilters();
        boolean byFields = !query.fields().isEmpty(); // else the fields column is not read at all
        boolean byText = !query.search().isEmpty() || !query.exclude().isEmpty() || !query.regex().isEmpty();
        // The search texts' character pairs: a message whose sketch lacks one is skipped unread.
        long required = query.search().isEmpty() ? 0 : TextSketch.required(query.search());
        TextSketches sketched = required == 0 ? null : sketches();
        List<PositionIndex> candidates = shapeTable.candidates(query);
        if (candidates == null) {
            long newest = tail - 1;
            while (newest >= head && sequences[slot(newest)] > through) {
                newest--; // not visible yet: at most the lines of one flush
            }
            // The slot steps down with the position instead of being computed from it: no long
            // division per visited message on the path every unindexed (e.g. search) query takes.
            int slot = newest >= head ? slot(newest) : 0;
            // Only the columns a criterion needs are read: a search reads the texts alone.
            boolean bySince = since != null;
            boolean byAfter = afterSequence > 0;
            for (long position = newest; position >= head;
                    position--, slot = slot == 0 ? capacity - 1 : slot - 1) {
                if (bySince && newestUpTo[slot] < sinceNanos) {
                    return; // everything from here back is older than `since`
                }
                if (!texts.has(slot)) {
                    continue;
                }
                if (byAfter && sequences[slot] <= afterSequence) {
                    return;
                }
                if (verdicts != null && !ShapeTable.matches(shared, shapes[slot], verdicts)) {
                    continue;
                }
                if (timed && !inTime(slot, since, sinceNanos, until, untilNanos)) {
                    continue;
                }
                // The text is decoded from the column only for a criterion that reads it.
                String text = null;
                if (sketched != null) {
                    long sketch = sketched.get(slot);
                    if (sketch == 0) {
                        text = text(slot, position);
                        sketch = sketched.compute(slot, text);
                    }
                    if (!TextSketch.mayContain(sketch, required)) {
                        continue;
                    }
                }
                if (textual && !matchesText(query, slot, position, text, byText, byFields)) {
                    continue;
                }
                if (!visitor.visit(slot)) {
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
                    long position = index.newest(next[i], tail);
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
            if (newestUpTo[slot] < sinceNanos) {
                return;
            }
            if (!texts.has(slot)) {
                continue;
            }
            if (sequences[slot] <= afterSequence) {
                return;
            }
            if (sequences[slot] > through) {
                continue;
            }
            if (verdicts != null && !ShapeTable.matches(shared, shapes[slot], verdicts)) {
                continue;
            }
            if (timed && !inTime(slot, since, sinceNanos, until, untilNanos)) {
                continue;
            }
            String text = null;
            if (sketched != null) {
                long sketch = sketched.get(slot);
                if (sketch == 0) {
                    text = text(slot, bestPosition);
                    sketch = sketched.compute(slot, text);
                }
                if (!TextSketch.mayContain(sketch, required)) {
                    continue;
                }
            }
            if (textual && !matchesText(query, slot, bestPosition, text, byText, byFields)) {
                continue;
            }
            if (!visitor.visit(slot)) {
                return;
            }
        }
    }

    /** The sketch column, made on first use (by a search, under the read lock: hence the check twice). */
    private TextSketches sketches() {
        TextSketches sketched = sketches;
        if (sketched == null) {
            synchronized (this) {
                sketched = sketches;
                if (sketched == null) {
                    sketched = new TextSketches(capacity);
                    sketches = sketched;
                }
            }
        }
        return sketched;
    }

    // ---- removal and hand-off -------------------------------------------------------------------

    /** Removes every message whose timestamp is before {@code cutoff}; returns how many. */
    long removeOlderThan(Instant cutoff) {
        long cutoffNanos = EpochNanos.of(cutoff);
        return remove(Long.MIN_VALUE, Long.MAX_VALUE,
                slot -> inTime(slot, null, Long.MIN_VALUE, cutoff, cutoffNanos), null);
    }

    /**
     * Removes every message with an id sequence from {@code first} to {@code last} that
     * {@code test} accepts; returns how many.
     */
    long removeIf(long first, long last, Predicate<LogMessage> test) {
        return remove(first, last, null, test);
    }

    private interface SlotTest {
        boolean test(int slot);
    }

    private long remove(long first, long last, SlotTest slotTest, Predicate<LogMessage> test) {
        long removed = 0;
        lock.writeLock().lock();
        try {
            for (long position = head; position < tail; position++) {
                int slot = slot(position);
                if (texts.has(slot) && sequences[slot] >= first && sequences[slot] <= last
                        && (slotTest != null ? slotTest.test(slot) : test.test(message(slot)))) {
                    shapes[slot].live--;
                    texts.clear(slot);
                    shapes[slot] = null;
                    extras[slot] = null;
                    recent[(int) position & (recent.length - 1)] = null;
                    if (pending != null) {
                        pending[slot] = null;
                    }
                    removed++;
                }
            }
            live -= removed;
            while (head < tail && !texts.has(slot(head))) {
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
                int slot = slot(position);
                if (texts.has(slot)) {
                    // Appends (the only other writers of `pending`) wait for the read lock, and
                    // only the writer thread drains.
                    LogMessage message = pending == null ? null : pending[slot];
                    batch.add(message != null ? message : message(slot));
                    if (message != null) {
                        pending[slot] = null;
                    }
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
            return shapeTable.indexedKeys();
        } finally {
            lock.readLock().unlock();
        }
    }
}

package io.containerlogging.local;

import io.containerlogging.core.LogFields;
import io.containerlogging.core.LogId;
import io.containerlogging.core.LogMessage;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * Messages read back from the files, in the columns {@link MessageRing} keeps them in (sequence,
 * text, epoch nanoseconds, shape, fields), so that reloading a million lines builds no
 * {@link LogMessage}. A timestamp beyond a {@code long} of nanoseconds keeps its exact
 * {@code Instant} next to the columns, as in the ring.
 *
 * <p>Not thread-safe: filled by one thread, then handed over.
 */
final class ReloadedColumns {

    private long[] sequences;
    private String[] texts;
    private long[] nanos;
    private MessageShape[] shapes;
    private LogFields[] fields; // null until a message has fields
    private Instant[] exact; // null until a timestamp needs it
    private int size;

    ReloadedColumns(int initialCapacity) {
        int capacity = Math.max(16, initialCapacity);
        sequences = new long[capacity];
        texts = new String[capacity];
        nanos = new long[capacity];
        shapes = new MessageShape[capacity];
    }

    /**
     * Adds one message; {@code exactTimestamp} only for a timestamp {@code epochNanos} cannot hold
     * (see {@link EpochNanos}), {@code messageFields} null or empty for none.
     */
    void add(long sequence, String text, long epochNanos, Instant exactTimestamp, MessageShape shape,
            LogFields messageFields) {
        if (size == sequences.length) {
            grow(size * 2);
        }
        sequences[size] = sequence;
        texts[size] = text;
        nanos[size] = epochNanos;
        shapes[size] = shape;
        if (messageFields != null && !messageFields.isEmpty()) {
            if (fields == null) {
                fields = new LogFields[sequences.length];
            }
            fields[size] = messageFields;
        }
        if (exactTimestamp != null) {
            if (exact == null) {
                exact = new Instant[sequences.length];
            }
            exact[size] = exactTimestamp;
        }
        size++;
    }

    int size() {
        return size;
    }

    long sequence(int i) {
        return sequences[i];
    }

    String text(int i) {
        return texts[i];
    }

    long epochNanos(int i) {
        return nanos[i];
    }

    MessageShape shape(int i) {
        return shapes[i];
    }

    /** The message's fields, or null for none. */
    LogFields fields(int i) {
        return fields == null ? null : fields[i];
    }

    Instant timestamp(int i) {
        Instant timestamp = exact == null ? null : exact[i];
        if (timestamp != null) {
            return timestamp;
        }
        return EpochNanos.instant(nanos[i]);
    }

    LogMessage message(int i) {
        return shapes[i].message(LogId.format(sequences[i]), texts[i], timestamp(i), fields(i));
    }

    /**
     * The newest {@code max} messages of {@code parts} in id order, each id once: the parts are
     * concatenated as given (usually already in id order: one retention class's files, oldest
     * first), sorted only if they are not.
     */
    static ReloadedColumns newest(List<ReloadedColumns> parts, int max) {
        int total = 0;
        for (ReloadedColumns part : parts) {
            total += part.size;
        }
        ReloadedColumns all = new ReloadedColumns(total);
        for (ReloadedColumns part : parts) {
            for (int i = 0; i < part.size; i++) {
                all.copy(part, i);
            }
        }
        boolean sorted = true;
        for (int i = 1; i < all.size && sorted; i++) {
            sorted = all.sequences[i] > all.sequences[i - 1];
        }
        if (!sorted) {
            // Several retention classes interleave; within one, only hand-edited files get here.
            all = all.sortedBySequence();
        }
        ReloadedColumns unique = new ReloadedColumns(Math.min(all.size, max));
        int first = all.size;
        // Newest first, to know where the newest `max` distinct ids begin.
        int distinct = 0;
        for (int i = all.size - 1; i >= 0 && distinct < max; i--) {
            if (i == all.size - 1 || all.sequences[i] != all.sequences[i + 1]) {
                distinct++;
            }
            first = i;
        }
        while (first > 0 && first < all.size && all.sequences[first - 1] == all.sequences[first]) {
            first--; // the oldest id kept comes with its first copy, as every other id
        }
        for (int i = first; i < all.size; i++) {
            // a duplicate id can only come from hand-edited files: the first of them stays
            if (i == first || all.sequences[i] != all.sequences[i - 1]) {
                unique.copy(all, i);
            }
        }
        return unique;
    }

    private ReloadedColumns sortedBySequence() {
        Integer[] order = new Integer[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(sequences[a], sequences[b])); // stable
        ReloadedColumns sorted = new ReloadedColumns(size);
        for (Integer i : order) {
            sorted.copy(this, i);
        }
        return sorted;
    }

    private void copy(ReloadedColumns from, int i) {
        add(from.sequences[i], from.texts[i], from.nanos[i], from.exact == null ? null : from.exact[i],
                from.shapes[i], from.fields(i));
    }

    private void grow(int capacity) {
        sequences = Arrays.copyOf(sequences, capacity);
        texts = Arrays.copyOf(texts, capacity);
        nanos = Arrays.copyOf(nanos, capacity);
        shapes = Arrays.copyOf(shapes, capacity);
        if (fields != null) {
            fields = Arrays.copyOf(fields, capacity);
        }
        if (exact != null) {
            exact = Arrays.copyOf(exact, capacity);
        }
    }
}

package io.containerlogging.local;

/**
 * The ring positions of the messages that share one field value (a service name or a container
 * id), oldest first: a growable circular array of increasing {@code long}s. Lets a query with a
 * rare filter visit only its candidates instead of the whole ring.
 *
 * <p>Positions of messages that left the ring stay until {@link #trimBelow(long)} drops them;
 * readers skip them by comparing with the ring's head. Not thread-safe: guarded by the
 * backend's lock.
 */
final class PositionIndex {

    private static final int INITIAL_CAPACITY = 16;

    /** The canonical instance of the field value, shared by every stored message that has it. */
    final String key;

    private long[] positions = new long[INITIAL_CAPACITY];
    private int start;
    private int size;

    PositionIndex(String key) {
        this.key = key;
    }

    void add(long position) {
        if (size == positions.length) {
            resize(positions.length * 2);
        }
        positions[(start + size) & (positions.length - 1)] = position;
        size++;
    }

    int size() {
        return size;
    }

    /** The {@code i}-th newest position, {@code 0 <= i < size()}. */
    long newest(int i) {
        return positions[(start + size - 1 - i) & (positions.length - 1)];
    }

    /** Drops positions below {@code head} and gives back memory after a burst. */
    void trimBelow(long head) {
        while (size > 0 && positions[start] < head) {
            start = (start + 1) & (positions.length - 1);
            size--;
        }
        if (positions.length > INITIAL_CAPACITY && size < positions.length / 4) {
            resize(Math.max(INITIAL_CAPACITY, Integer.highestOneBit(Math.max(1, size)) * 2));
        }
    }

    private void resize(int capacity) {
        long[] copy = new long[capacity];
        for (int i = 0; i < size; i++) {
            copy[i] = positions[(start + i) & (positions.length - 1)];
        }
        positions = copy;
        start = 0;
    }
}

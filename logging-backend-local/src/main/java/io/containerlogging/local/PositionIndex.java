package io.containerlogging.local;

/**
 * The ring positions of the messages that share one field value (a service name or a container
 * id), oldest first: a growable circular array of increasing positions. Lets a query with a rare
 * filter visit only its candidates instead of the whole ring.
 *
 * <p>Positions are kept as their low 32 bits (4 bytes a message instead of 8): every position a
 * reader asks for lies within 2<sup>32</sup> below the ring's tail (the ring holds at most
 * {@code Integer.MAX_VALUE} messages, and positions that left it are trimmed at least once per
 * ring length), so the tail restores the high bits.
 *
 * <p>Positions of messages that left the ring stay until {@link #trimBelow} drops them; readers
 * skip them by comparing with the ring's head. Not thread-safe: guarded by the ring's lock.
 */
final class PositionIndex {

    private static final int INITIAL_CAPACITY = 16;

    /** The canonical instance of the field value, shared by every stored message that has it. */
    final String key;

    private int[] positions = new int[INITIAL_CAPACITY];
    private int start;
    private int size;

    PositionIndex(String key) {
        this.key = key;
    }

    void add(long position) {
        if (size == positions.length) {
            resize(positions.length * 2);
        }
        positions[(start + size) & (positions.length - 1)] = (int) position;
        size++;
    }

    int size() {
        return size;
    }

    /** The {@code i}-th newest position, {@code 0 <= i < size()}, given the ring's {@code tail}. */
    long newest(int i, long tail) {
        return restore(positions[(start + size - 1 - i) & (positions.length - 1)], tail);
    }

    /** Drops positions below {@code head} and gives back memory after a burst. */
    void trimBelow(long head, long tail) {
        while (size > 0 && restore(positions[start], tail) < head) {
            start = (start + 1) & (positions.length - 1);
            size--;
        }
        if (positions.length > INITIAL_CAPACITY && size < positions.length / 4) {
            resize(Math.max(INITIAL_CAPACITY, Integer.highestOneBit(Math.max(1, size)) * 2));
        }
    }

    // The position whose low 32 bits are `low`, at most 2^32 - 1 below `tail`.
    private static long restore(int low, long tail) {
        return tail - (((int) tail - low) & 0xFFFF_FFFFL);
    }

    private void resize(int capacity) {
        int[] copy = new int[capacity];
        for (int i = 0; i < size; i++) {
            copy[i] = positions[(start + i) & (positions.length - 1)];
        }
        positions = copy;
        start = 0;
    }
}

package io.containerlogging.local;

import java.util.Arrays;

/**
 * Ring slots a query collected, newest first, at most {@code bound}: past it, each new slot replaces the
 * oldest collected (forward paging keeps the last {@code bound} visited). Not thread-safe.
 */
final class SlotBuffer {
    private final int bound;
    private int[] slots;
    private int start;
    private int size;

    SlotBuffer(int bound) {
        this.bound = bound;
        this.slots = new int[Math.min(bound, 256)];
    }

    void add(int slot) {
        if (size < bound) {
            if (size == slots.length) {
                slots = Arrays.copyOf(slots, (int) Math.min(bound, 2L * slots.length));
            }
            slots[size++] = slot;
        } else { // full: only while paging forward, where start wraps within a full array
            slots[start] = slot;
            start = (start + 1) % bound;
        }
    }

    int size() {
        return size;
    }

    /** The {@code i}-th collected, 0 the first. */
    int get(int i) {
        return slots[(start + i) % slots.length];
    }
}

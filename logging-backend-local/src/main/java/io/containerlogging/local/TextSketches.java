package io.containerlogging.local;

import io.containerlogging.core.internal.TextSketch;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The ring's column of {@link TextSketch}es, one per slot: made by the first {@code search} and
 * filled as searches visit the slots, so that a search skips the messages whose sketch rules its
 * text out without reading them. A slot's sketch is cleared when the slot takes a new message.
 * Costs 8 bytes a slot, and only in a ring that has been searched.
 *
 * <p>Thread-safety: searches run under the ring's read lock, several at once, and may compute the
 * same slot's sketch together; they write the same value, with opaque access so that a reader sees
 * either 0 ("not computed") or a whole sketch. {@link #clear} runs under the write lock.
 */
final class TextSketches {

    private static final VarHandle SKETCHES = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] sketches;

    TextSketches(int capacity) {
        this.sketches = new long[capacity];
    }

    /** The sketch of the message in {@code slot}, or 0 if not computed yet. */
    long get(int slot) {
        return (long) SKETCHES.getOpaque(sketches, slot);
    }

    /** Computes, keeps and returns the sketch of {@code text}, the message in {@code slot}. */
    long compute(int slot, String text) {
        long sketch = TextSketch.of(text);
        SKETCHES.setOpaque(sketches, slot, sketch);
        return sketch;
    }

    /** Forgets the sketch of {@code slot}, which takes a new message. Under the write lock. */
    void clear(int slot) {
        sketches[slot] = 0;
    }
}

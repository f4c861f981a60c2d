package io.containerlogging.local;

import io.containerlogging.core.LogFields;
import io.containerlogging.core.LogQuery;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The ring's text column: per slot the message text, kept as UTF-8 in one circular byte array
 * (the arena) instead of as a {@code String} per message.
 *
 * <p>Why: a ring that turns over faster than the young generation fills is the generational
 * collector's worst case. At every young collection the whole ring is new and alive, so a
 * {@code String} per message was copied or promoted, filled the old generation, and cost a full
 * collection every few hundred milliseconds at Docker's full speed; the heap had to be sized for
 * that churn (issue 19: 24 MB of a 73 MB process). The arena is allocated once and lives in the old
 * generation; storing a text copies bytes into it and leaves no garbage that outlives the append.
 *
 * <p>Slots are filled in ring order, so the arena is a FIFO: the bytes of the oldest slot still
 * in the ring ({@code headSlot}) on are live, everything before is free. Texts sit at increasing
 * virtual offsets ({@code starts}), at {@code offset % arena.length} in the array, and never wrap
 * around its end (a text that would is placed at the start instead). When a text does not fit,
 * the live texts are copied into a new arena half again as large as they need (a repack, which
 * also drops the holes removals left); a sweep shrinks an arena that has become mostly empty.
 *
 * <p>A text longer than {@link #ARENA_TEXT_BYTES} in UTF-8 (a stack trace grouped into one
 * message, say), or one that would need an arena beyond {@link #MAX_ARENA_BYTES}, stays a
 * {@code String}: such texts are rare, and copying them would cost more than their churn.
 *
 * <p>A text reads back as the JDK's UTF-8 encoding of it decodes: identical for every
 * well-formed string, with a lone surrogate read back as {@code ?}, as the log files and the REST
 * API already write it.
 *
 * <p>Not thread-safe: guarded by the ring's lock (writes under the write lock, reads under
 * either).
 */
final class TextColumn {

    /** Texts longer than this, in UTF-8 bytes, are kept as {@code String}s. */
    static final int ARENA_TEXT_BYTES = 16 * 1024;
    /** The largest arena; texts that would need a larger one are kept as {@code String}s. */
    static final int MAX_ARENA_BYTES = 1 << 30;
    /** The smallest arena, and its size when the column is new or cleared. */
    static final int MIN_ARENA_BYTES = 4096;

    private static final int EMPTY = -1; // no message in the slot (never filled, or removed)
    private static final int AS_STRING = -2; // the text is in `strings`

    private final int capacity;
    // Per slot: the text's virtual offset and its length in bytes (or EMPTY, AS_STRING). Every
    // slot in the ring has a start, also an empty or AS_STRING one (the end of the arena when it
    // was filled), and starts never decrease in ring order: so the head slot's start is a lower
    // bound on every live text's, whatever the head slot holds.
    private final long[] starts;
    private final int[] offsets; // starts[slot] % arena.length, kept rather than divided out per read
    private final int[] lengths;
    private String[] strings; // made on the first text kept as a String
    private byte[] arena = new byte[MIN_ARENA_BYTES];
    private long end; // the virtual offset after the newest text

    TextColumn(int capacity) {
        this.capacity = capacity;
        this.starts = new long[capacity];
        this.offsets = new int[capacity];
        this.lengths = new int[capacity];
        Arrays.fill(lengths, EMPTY);
    }

    /** True if {@code slot} holds a text. */
    boolean has(int slot) {
        return lengths[slot] != EMPTY;
    }

    /** The text in {@code slot}, which {@link #has} one. */
    String get(int slot) {
        int length = lengths[slot];
        if (length == AS_STRING) {
            return strings[slot];
        }
        return new String(arena, offsets[slot], length, StandardCharsets.UTF_8);
    }

    /**
     * Whether the text in {@code slot} (which {@link #has} one) meets {@code query}'s text and
     * field criteria ({@link LogQuery#matchesUtf8}): read where it lies, decoded only if needed.
     */
    boolean matches(int slot, LogQuery query, LogFields fields) {
        int length = lengths[slot];
        if (length == AS_STRING) {
            return query.matchesText(strings[slot], fields);
        }
        return query.matchesUtf8(arena, offsets[slot], length, fields);
    }

    /**
     * Puts {@code text} in {@code slot}, the ring's newest; {@code headSlot} is the slot of the
     * oldest message the ring holds (including this one: {@code headSlot == slot} when it is the
     * only one), and every text before it is free.
     */
    void put(int slot, String text, int headSlot) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        int length = utf8.length;
        if (length <= ARENA_TEXT_BYTES) {
            long oldest = starts[headSlot];
            if (slot == headSlot) { // the ring holds only this text: the whole arena is free
                end = 0;
                oldest = 0;
            }
            long at = placement(end, length, arena.length);
            if (at + length - oldest > arena.length) {
                at = repack(headSlot, Math.floorMod(slot - headSlot, capacity), length);
            }
            if (at >= 0) {
                int offset = (int) (at % arena.length);
                System.arraycopy(utf8, 0, arena, offset, length);
                starts[slot] = at;
                offsets[slot] = offset;
                lengths[slot] = length;
                end = at + length;
                if (strings != null) {
                    strings[slot] = null;
                }
                return;
            }
        }
        if (strings == null) {
            strings = new String[capacity];
        }
        strings[slot] = text;
        starts[slot] = end;
        lengths[slot] = AS_STRING;
    }

    /** Empties {@code slot} (its message was removed); its bytes are free once the head passes it. */
    void clear(int slot) {
        lengths[slot] = EMPTY;
        if (strings != null) {
            strings[slot] = null;
        }
    }

    /** Empties every slot and gives the arena back. */
    void clearAll() {
        Arrays.fill(lengths, EMPTY);
        Arrays.fill(starts, 0);
        strings = null;
        arena = new byte[MIN_ARENA_BYTES];
        end = 0;
    }

    /**
     * Shrinks an arena that is mostly empty (after a burst of long lines, or removals): to half
     * again what the live texts need, once they fill less than an eighth of it. The ring holds the
     * slots from {@code headSlot} to {@code newestSlot}; {@code empty} if it holds none.
     */
    void trim(int headSlot, int newestSlot, boolean empty) {
        if (arena.length == MIN_ARENA_BYTES) {
            return;
        }
        long used = empty ? 0 : end - starts[headSlot];
        if (used < arena.length / 8) {
            if (empty) {
                arena = new byte[MIN_ARENA_BYTES];
                end = 0;
            } else {
                repack(headSlot, Math.floorMod(newestSlot - headSlot, capacity) + 1, 0);
            }
        }
    }

    /** Bytes held by the arena (for tests and diagnostics). */
    int arenaBytes() {
        return arena.length;
    }

    // Where a text of `length` bytes goes when the arena ends at `end`: there, or at the start of
    // the array if it would run over the array's end.
    private static long placement(long end, int length, int arenaLength) {
        long within = end % arenaLength;
        return within + length <= arenaLength ? end : end - within + arenaLength;
    }

    /**
     * Copies the texts of the {@code count} slots from {@code headSlot} on into a new arena with
     * room for {@code room} more bytes, renumbering them from 0; returns where a text of
     * {@code room} bytes goes in it, or -1 if it cannot have that room (the arena is unchanged
     * then).
     */
    private long repack(int headSlot, int count, int room) {
        long live = room;
        for (int i = 0, s = headSlot; i < count; i++, s = next(s)) {
            if (lengths[s] >= 0) {
                live += lengths[s];
            }
        }
        long size = Math.max(MIN_ARENA_BYTES, live + live / 2);
        if (size > MAX_ARENA_BYTES) {
            if (live > MAX_ARENA_BYTES) {
                return -1;
            }
            size = MAX_ARENA_BYTES;
        }
        byte[] packed = new byte[(int) size];
        int at = 0;
        for (int i = 0, s = headSlot; i < count; i++, s = next(s)) {
            int length = lengths[s];
            if (length >= 0) {
                System.arraycopy(arena, offsets[s], packed, at, length);
            }
            starts[s] = at;
            offsets[s] = at;
            if (length >= 0) {
                at += length;
            }
        }
        arena = packed;
        end = at;
        return at;
    }

    private int next(int slot) {
        return slot + 1 == capacity ? 0 : slot + 1;
    }
}

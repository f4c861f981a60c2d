package io.containerlogging.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TextColumnTest {

    @Test
    @DisplayName("every well-formed text reads back as it was put, in any script")
    void roundTrip() {
        List<String> texts = List.of("", "a", "plain ascii line", "caf\u00e9 cr\u00e8me", "\u65e5\u672c\u8a9e",
                "emoji \ud83d\ude00 pair", "tab\tand\u0000nul", "\u00ff\u0100\u07ff\u0800\uffff");
        TextColumn column = new TextColumn(texts.size());
        for (int slot = 0; slot < texts.size(); slot++) {
            column.put(slot, texts.get(slot), 0);
        }
        for (int slot = 0; slot < texts.size(); slot++) {
            assertThat(column.has(slot)).isTrue();
            assertThat(column.get(slot)).isEqualTo(texts.get(slot));
        }
    }

    @Test
    @DisplayName("a lone surrogate reads back as '?', as the log files and the REST API write it")
    void loneSurrogate() {
        TextColumn column = new TextColumn(2);
        column.put(0, "broken \ud800 pair", 0);
        assertThat(column.get(0)).isEqualTo("broken ? pair");
    }

    @Test
    @DisplayName("a text over the arena limit is kept whole, and the arena does not grow for it")
    void longTextStaysAString() {
        TextColumn column = new TextColumn(4);
        String longText = "x".repeat(TextColumn.ARENA_TEXT_BYTES + 1);
        column.put(0, "short", 0);
        column.put(1, longText, 0);
        column.put(2, "after", 0);
        assertThat(column.get(1)).isSameAs(longText);
        assertThat(column.get(0)).isEqualTo("short");
        assertThat(column.get(2)).isEqualTo("after");
        assertThat(column.arenaBytes()).isEqualTo(TextColumn.MIN_ARENA_BYTES);
    }

    @Test
    @DisplayName("an empty slot has no text; clearing all empties every slot")
    void emptySlots() {
        TextColumn column = new TextColumn(3);
        assertThat(column.has(0)).isFalse();
        column.put(0, "one", 0);
        column.put(1, "two", 0);
        column.clear(0);
        assertThat(column.has(0)).isFalse();
        assertThat(column.get(1)).isEqualTo("two");
        column.clearAll();
        assertThat(column.has(1)).isFalse();
    }

    /**
     * A ring of a few slots driven at random against a list of what it should hold: appends that
     * evict, texts from empty to longer than the arena, removals anywhere (holes), and sweeps, so
     * that texts wrap around the arena's end, the arena grows, repacks over holes and shrinks.
     */
    @Test
    @DisplayName("under random appends, evictions, removals and sweeps every live text reads back intact")
    void randomRingAgainstModel() {
        for (long seed = 1; seed <= 40; seed++) {
            Random random = new Random(seed);
            int capacity = 1 + random.nextInt(12);
            TextColumn column = new TextColumn(capacity);
            String[] model = new String[capacity];
            long head = 0;
            long tail = 0;
            int maxArena = 0;
            for (int step = 0; step < 3_000; step++) {
                int op = random.nextInt(20);
                if (op < 16) { // append, evicting the oldest when full
                    if (tail - head == capacity) {
                        model[(int) (head % capacity)] = null;
                        head++;
                    }
                    long position = tail++;
                    int slot = (int) (position % capacity);
                    String text = text(random);
                    column.put(slot, text, (int) (head % capacity));
                    model[slot] = text;
                } else if (op < 19 && tail > head) { // remove one message anywhere
                    long position = head + random.nextInt((int) (tail - head));
                    int slot = (int) (position % capacity);
                    if (model[slot] != null) {
                        column.clear(slot);
                        model[slot] = null;
                    }
                    while (head < tail && model[(int) (head % capacity)] == null) {
                        head++;
                    }
                } else { // sweep
                    column.trim((int) (head < tail ? head % capacity : 0),
                            (int) (head < tail ? (tail - 1) % capacity : 0), head == tail);
                }
                maxArena = Math.max(maxArena, column.arenaBytes());
                for (long position = head; position < tail; position++) {
                    int slot = (int) (position % capacity);
                    assertThat(column.has(slot)).as("seed %d step %d slot %d", seed, step, slot)
                            .isEqualTo(model[slot] != null);
                    if (model[slot] != null) {
                        assertThat(column.get(slot)).as("seed %d step %d slot %d", seed, step, slot)
                                .isEqualTo(model[slot]);
                    }
                }
            }
            if (capacity > 4) {
                assertThat(maxArena).as("seed %d: the arena grew", seed).isGreaterThan(TextColumn.MIN_ARENA_BYTES);
            }
        }
    }

    @Test
    @DisplayName("a ring that turns over many times keeps an arena about the size of its texts")
    void steadyTurnover() {
        int capacity = 1_000;
        TextColumn column = new TextColumn(capacity);
        String line = "0123456789".repeat(10);
        for (long position = 0; position < 50L * capacity; position++) {
            long head = Math.max(0, position - capacity + 1);
            column.put((int) (position % capacity), line + position, (int) (head % capacity));
        }
        for (long position = 49L * capacity; position < 50L * capacity; position++) {
            assertThat(column.get((int) (position % capacity))).isEqualTo(line + position);
        }
        // 1 000 texts of ~105 bytes: ~105 KB live, half again for room, never doubling after doubling
        assertThat(column.arenaBytes()).isBetween(105 * capacity, 2 * 107 * capacity);
    }

    private static String text(Random random) {
        int kind = random.nextInt(10);
        int length = kind == 0 ? 0 : kind < 7 ? random.nextInt(40) : kind < 9 ? random.nextInt(3_000)
                : TextColumn.ARENA_TEXT_BYTES - 10 + random.nextInt(20);
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            int pick = random.nextInt(30);
            text.append(pick == 0 ? '\u00e9' : pick == 1 ? '\u65e5' : (char) ('a' + random.nextInt(26)));
        }
        return text.toString();
    }

    @Test
    @DisplayName("sweeping an emptied ring gives the arena back")
    void sweepEmpty() {
        TextColumn column = new TextColumn(8);
        List<String> texts = new ArrayList<>();
        for (int slot = 0; slot < 8; slot++) {
            texts.add("y".repeat(2_000));
            column.put(slot, texts.get(slot), 0);
        }
        assertThat(column.arenaBytes()).isGreaterThan(TextColumn.MIN_ARENA_BYTES);
        for (int slot = 0; slot < 8; slot++) {
            column.clear(slot);
        }
        column.trim(0, 0, true);
        assertThat(column.arenaBytes()).isEqualTo(TextColumn.MIN_ARENA_BYTES);
    }
}

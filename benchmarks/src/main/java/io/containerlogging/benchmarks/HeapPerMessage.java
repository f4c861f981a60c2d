package io.containerlogging.benchmarks;

import io.containerlogging.local.LocalLogBackend;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * Target 5: heap per stored message. Stores 1M messages with 100-character texts in a
 * memory-only backend sized for all of them and compares the used heap after full GCs before and
 * after (the texts are made while logging, so all of their cost is counted), the arrays the
 * backend allocates for its ring included. Goal (issue 20): at most 120 bytes per message beyond
 * the text itself (a 100-character Latin-1 String's content is 100 bytes).
 *
 * <p>Run: {@code java -Xmx2g -XX:+UseParallelGC -cp benchmarks/target/benchmarks.jar
 * io.containerlogging.benchmarks.HeapPerMessage [messages]}. Prints one line:
 * {@code heap-per-message bytes=<total> beyond-text=<total - 100>}.
 */
public final class HeapPerMessage {

    private HeapPerMessage() {
    }

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        // Measured before the backend exists: its ring arrays, sized for maxLogs when it is built,
        // are part of what each message costs at a full ring.
        long before = usedAfterGc(memory);
        LocalLogBackend backend = LocalLogBackend.builder().maxLogs(count).build();
        backend.initialize();
        for (int i = 0; i < count; i++) {
            backend.log(SampleMessages.message(i)); // its temporaries are garbage by the next GC
        }
        long withMessages = usedAfterGc(memory);
        if (backend.count() != count) {
            throw new IllegalStateException("stored " + backend.count() + " of " + count);
        }
        // Everything a message keeps alive: the text String (100 bytes of Latin-1 content plus its
        // object and array headers), the stored record, its id and Instant, ring and index slots.
        double perMessage = (double) (withMessages - before) / count;
        System.out.printf("heap-per-message bytes=%.1f beyond-text=%.1f (messages=%d, used before=%d MB, after=%d MB)%n",
                perMessage, perMessage - SampleMessages.TEXT_LENGTH, count, before >> 20, withMessages >> 20);
        backend.close();
    }

    private static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}

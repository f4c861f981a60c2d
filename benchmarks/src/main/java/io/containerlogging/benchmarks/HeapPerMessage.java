package io.containerlogging.benchmarks;

import io.containerlogging.local.LocalLogBackend;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * Target 5: heap per stored message. Stores 1M messages with 100-character texts in a
 * memory-only backend sized for all of them and compares the used heap after full GCs before and
 * after. Goal: at most 250 bytes per message beyond the text itself (a 100-character Latin-1
 * String's content is 100 bytes).
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
        // Made once, before the baseline: the texts are the only per-message part the caller brings.
        String[] texts = new String[count];
        for (int i = 0; i < count; i++) {
            texts[i] = SampleMessages.text(i);
        }
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        LocalLogBackend backend = LocalLogBackend.builder().maxLogs(count).build();
        backend.initialize();
        long before = usedAfterGc(memory);
        for (int i = 0; i < count; i++) {
            backend.log(SampleMessages.message(i).toBuilder().message(texts[i]).build());
        }
        texts = null; // from here on only the backend holds the texts
        long withMessages = usedAfterGc(memory);
        if (backend.count() != count) {
            throw new IllegalStateException("stored " + backend.count() + " of " + count);
        }
        // The texts are counted in withMessages, the array that held them in before: add its
        // references back (compressed oops: 4 bytes each) so they are not subtracted twice.
        double perMessage = (double) (withMessages - before + 4L * count) / count;
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

package io.containerlogging.forward.syslog;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * The newest batches a sink has sent and reported delivered, up to a byte budget, kept to be sent
 * again on the next connection after one ends unexpectedly.
 *
 * <p>Why: syslog over TCP has no acknowledgements. When a receiver stops, what is still in its
 * socket's receive buffer (and in ours) is lost with the connection, although {@code deliver}
 * returned for it; measured against rsyslog, a SIGTERM right after a batch was written lost that
 * whole batch. Sending the newest batches again turns that loss into duplicates a receiver can drop
 * by MSGID. Loss remains possible only when more than the budget was in flight.
 *
 * <p>Kept per batch (one array each), not per message: a batch is written in one piece anyway,
 * and a few large arrays cost the collector less than thousands of small ones. A batch larger
 * than the budget is not kept.
 *
 * <p>Not thread-safe: used under the sink's lock.
 */
final class RecentFrames {

    private record Batch(byte[] frames, int messages) {
    }

    private final long budget;
    private final ArrayDeque<Batch> batches = new ArrayDeque<>();
    private long bytes;
    private int messages;

    RecentFrames(long budget) {
        this.budget = budget;
    }

    /** Keeps a copy of a delivered batch's frames, dropping the oldest batches beyond the budget. */
    void add(byte[] frames, int length, int messageCount) {
        if (length > budget) {
            clear();
            return;
        }
        batches.addLast(new Batch(Arrays.copyOf(frames, length), messageCount));
        bytes += length;
        messages += messageCount;
        while (bytes > budget) {
            Batch oldest = batches.removeFirst();
            bytes -= oldest.frames().length;
            messages -= oldest.messages();
        }
    }

    /** Writes every kept batch, oldest first. */
    void writeTo(OutputStream out) throws IOException {
        for (Batch batch : batches) {
            out.write(batch.frames());
        }
    }

    /** Forgets every kept batch: they are known to have arrived. */
    void clear() {
        batches.clear();
        bytes = 0;
        messages = 0;
    }

    /** How many messages are kept. */
    int count() {
        return messages;
    }

    boolean isEmpty() {
        return batches.isEmpty();
    }
}

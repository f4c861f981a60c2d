package io.containerlogging.forward.syslog;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The newest frames a sink has sent and reported delivered, up to a byte budget, kept to be sent
 * again on the next connection after one ends unexpectedly.
 *
 * <p>Why: syslog over TCP has no acknowledgements. When a receiver stops, what is still in its
 * socket's receive buffer (and in ours) is lost with the connection, although {@code deliver}
 * returned for it; measured against rsyslog, a SIGTERM right after a batch was written lost that
 * whole batch. Sending the newest frames again turns that loss into duplicates a receiver can drop
 * by MSGID. Loss remains possible only when more than the budget was in flight.
 *
 * <p>Not thread-safe: used under the sink's lock.
 */
final class RecentFrames {

    private final long budget;
    private final ArrayDeque<byte[]> frames = new ArrayDeque<>();
    private long bytes;

    RecentFrames(long budget) {
        this.budget = budget;
    }

    /** Adds a delivered batch's frames, dropping the oldest beyond the budget. */
    void addAll(List<byte[]> batch) {
        if (budget == 0) {
            return;
        }
        for (byte[] frame : batch) {
            frames.addLast(frame);
            bytes += frame.length;
        }
        while (bytes > budget) {
            bytes -= frames.removeFirst().length;
        }
    }

    /** Writes every kept frame, oldest first. */
    void writeTo(OutputStream out) throws IOException {
        for (byte[] frame : frames) {
            out.write(frame);
        }
    }

    int count() {
        return frames.size();
    }

    boolean isEmpty() {
        return frames.isEmpty();
    }
}

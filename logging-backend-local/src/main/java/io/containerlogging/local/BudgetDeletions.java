package io.containerlogging.local;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts what the disk budget deleted and words the system message that reports it: only what is
 * new since the last report, plus the totals.
 *
 * <p>Thread-safety: {@link #record} from any thread; {@link #newReport} from one at a time.
 */
final class BudgetDeletions {

    private final AtomicLong files = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong messages = new AtomicLong();
    private long reportedFiles; // guarded by this
    private long reportedBytes; // guarded by this
    private long reportedMessages; // guarded by this

    /** One file deleted for the budget, with the messages it held if known (else {@code lines} < 0). */
    void record(long size, long lines) {
        bytes.addAndGet(size);
        if (lines > 0) {
            messages.addAndGet(lines);
        }
        files.incrementAndGet(); // last: a report that sees the file sees its bytes and messages
    }

    long files() {
        return files.get();
    }

    long bytes() {
        return bytes.get();
    }

    long messages() {
        return messages.get();
    }

    /** The text reporting what was deleted since the last report, or null if nothing was. */
    synchronized String newReport(Path logDir, long maxTotalSize) {
        long nowFiles = files.get();
        if (nowFiles == reportedFiles) {
            return null;
        }
        long nowMessages = messages.get();
        long nowBytes = bytes.get();
        long newFiles = nowFiles - reportedFiles;
        String text = "Deleted " + newFiles + " log file" + (newFiles == 1 ? "" : "s") + " ("
                + (nowMessages - reportedMessages) + " messages, " + (nowBytes - reportedBytes) + " bytes) from "
                + logDir.toAbsolutePath() + " to keep the log files within maxTotalSize (" + maxTotalSize
                + " bytes); their messages are no longer stored (" + nowFiles + " files, " + nowMessages
                + " messages in total)";
        reportedFiles = nowFiles;
        reportedMessages = nowMessages;
        reportedBytes = nowBytes;
        return text;
    }
}

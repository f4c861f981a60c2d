package io.containerlogging.local;

import io.containerlogging.core.internal.StateFile;
import io.containerlogging.core.spi.IdSequence;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ids that never name two messages, across crashes too: before an id is handed out, a block of
 * ids up to a ceiling is reserved in a file ({@value #FILE_NAME} in the log directory, replaced
 * atomically and forced to the device). After a crash the next run starts above the reserved
 * ceiling, so the ids of lines that were served (over HTTP, to a stream) but never reached the
 * files are not given to other messages. A clean close writes the last id used instead, so after
 * a clean restart the ids go on without a gap.
 *
 * <p>The ceiling is raised ahead of use by the file writer's thread once half of the block is
 * used ({@link #extendIfDue()}); only if ids run out before that (more than half a block of
 * messages within one flush interval) does {@link #next()} write the file itself.
 *
 * <p>Thread-safety: {@link #next()} is called under the backend's append lock; the other methods
 * from the writer thread or at start and close. All synchronise on this object.
 */
final class ReservedIds implements IdSequence {

    static final String FILE_NAME = "ids.json";
    /** Ids reserved at a time. */
    static final long BLOCK = 1L << 20;

    private static final System.Logger LOG = System.getLogger(ReservedIds.class.getName());
    private static final Pattern FIELD = Pattern.compile("\"(reservedThrough|lastUsed)\"\\s*:\\s*(\\d{1,18})");

    private final StateFile file;
    private long last;
    private long ceiling;
    private volatile boolean extensionDue;

    ReservedIds(Path dir) {
        this.file = new StateFile(dir.resolve(FILE_NAME));
    }

    /**
     * Reads the file and reserves the first block: the next id is above every id found in the
     * files ({@code highestStored}), above the last run's reservation after a crash, and above its
     * last id after a clean close.
     *
     * @return the id to continue after
     */
    synchronized long open(long highestStored) throws IOException {
        long previous = readFloor();
        last = Math.max(last, Math.max(highestStored, previous));
        reserve(last + BLOCK);
        return last;
    }

    private long readFloor() throws IOException {
        String text = file.read();
        if (text == null) {
            return 0;
        }
        long reserved = -1;
        long lastUsed = -1;
        Matcher matcher = FIELD.matcher(text);
        while (matcher.find()) {
            long value = Long.parseLong(matcher.group(2));
            if (matcher.group(1).equals("reservedThrough")) {
                reserved = value;
            } else {
                lastUsed = value;
            }
        }
        if (reserved < 0) {
            LOG.log(System.Logger.Level.WARNING, "ignoring corrupt " + file
                    + "; ids continue after the highest id in the log files");
            return 0;
        }
        // lastUsed is written only by a clean close, as the whole reservation
        return lastUsed >= 0 ? Math.min(lastUsed, reserved) : reserved;
    }

    @Override
    public synchronized long next() {
        if (last >= ceiling) {
            try {
                reserve(last + BLOCK); // ran ahead of the writer's extension: reserve here, once per block
            } catch (IOException e) {
                throw new UncheckedIOException("cannot reserve ids in " + file, e);
            }
        }
        last++;
        if (ceiling - last < BLOCK / 2) {
            extensionDue = true;
        }
        return last;
    }

    @Override
    public synchronized void continueAfter(long sequence) {
        last = Math.max(last, sequence);
    }

    /** The last id handed out (or continued after). */
    synchronized long last() {
        return last;
    }

    /** Raises the ceiling if half the block is used; called by the writer thread. */
    void extendIfDue() {
        if (!extensionDue) {
            return;
        }
        synchronized (this) {
            extensionDue = false;
            try {
                reserve(last + BLOCK);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot reserve ids in " + file + ": " + e);
            }
        }
    }

    /** At a clean close: records the last id used, so the next run continues right after it. */
    synchronized void closeCleanly() {
        try {
            file.write("{\"reservedThrough\":" + last + ",\"lastUsed\":" + last + "}\n");
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot record the last id in " + file + ": " + e);
        }
    }

    private void reserve(long through) throws IOException {
        file.write("{\"reservedThrough\":" + through + "}\n");
        ceiling = through;
    }
}

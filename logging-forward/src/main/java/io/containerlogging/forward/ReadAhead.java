package io.containerlogging.forward;

import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.core.forward.StoredMessage;
import io.containerlogging.local.LocalLogBackend;
import io.containerlogging.local.StoreReader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Reads and filters the next batches of a forwarder on a thread of its own while the sink
 * delivers the current one: reading and parsing the files then costs the forwarder no time (it
 * cost 15–20 % of the rate when done between deliveries; docs/BENCHMARKS.md). Holds at most two
 * batches ahead.
 */
final class ReadAhead implements AutoCloseable {

    /**
     * Messages the filter kept, and the id up to which every stored message is in them or was
     * passed over by the filter (null if none was read yet).
     */
    record Chunk(List<StoredMessage> messages, String through, int passedOver) {
    }

    private static final System.Logger LOG = System.getLogger(ReadAhead.class.getName());
    private static final long IDLE_NANOS = Forwarder.POLL_INTERVAL.toNanos();
    /** Put in the queue by {@link #wakeTaker()}: {@link #take} returns null at once. */
    private static final Chunk WAKE = new Chunk(List.of(), null, 0);

    private final StoreReader reader;
    private final LocalLogBackend backend;
    private final LogQuery filter;
    private final boolean decode;
    private final int batchSize;
    private final BlockingQueue<Chunk> ready = new ArrayBlockingQueue<>(2);
    private final Thread thread;
    private final Runnable wake;
    private Chunk leftover; // taking thread only: the part of a chunk that did not fit
    private volatile boolean stopping;

    /**
     * @param decode whether to decode every message here (for a sink that needs them decoded: then
     *     decoding overlaps delivering); without, only the filter's need is decoded
     */
    ReadAhead(StoreReader reader, LocalLogBackend backend, LogQuery filter, boolean decode, int batchSize,
            ThreadFactory threads) {
        this.reader = reader;
        this.backend = backend;
        this.filter = filter;
        this.decode = decode;
        this.batchSize = batchSize;
        this.thread = threads.newThread(this::run);
        this.wake = () -> LockSupport.unpark(thread);
    }

    void start() {
        backend.addStoredListener(wake);
        thread.start();
    }

    private void run() {
        while (!stopping) {
            String before = backend.storedThrough();
            List<StoredMessage> read = decode ? decoded(reader.next(batchSize)) : reader.nextStored(batchSize);
            if (read.isEmpty()) {
                // Woken by the backend's next flush, or looks again after a while.
                if (java.util.Objects.equals(before, backend.storedThrough())) {
                    LockSupport.parkNanos(this, IDLE_NANOS);
                }
                continue;
            }
            List<StoredMessage> kept = filter == null && !decode ? read : new ArrayList<>(read.size());
            if (kept != read) {
                for (StoredMessage message : read) {
                    if (keep(message)) {
                        kept.add(message);
                    }
                }
            }
            Chunk chunk = new Chunk(kept, read.get(read.size() - 1).id(), read.size() - kept.size());
            try {
                while (!stopping && !ready.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
                    // the forwarder is busy delivering: wait for room
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Messages read decoded, for a sink that needs them so: their JSON is encoded only if asked
     * for (reading them as stored JSON would check each line only to decode it next).
     */
    private static List<StoredMessage> decoded(List<LogMessage> messages) {
        List<StoredMessage> stored = new ArrayList<>(messages.size());
        for (LogMessage message : messages) {
            stored.add(StoredMessage.of(message));
        }
        return stored;
    }

    /** Decodes what the filter or the sink needs decoded, and applies the filter. */
    private boolean keep(StoredMessage stored) {
        LogMessage message;
        try {
            message = stored.message();
        } catch (RuntimeException e) {
            // Cannot happen for what the reader returns (its JSON is the encoder's); if the
            // decoder ever disagrees, pass the message over, loudly, rather than stop forwarding.
            LOG.log(System.Logger.Level.WARNING, "passing over " + stored.id() + ", which does not decode: " + e);
            return false;
        }
        return filter == null || filter.matches(message);
    }

    /**
     * Up to {@code max} of the messages read ahead, waiting up to {@code waitNanos} for some; a
     * chunk larger than {@code max} is split (its rest comes next).
     *
     * @return a chunk, or null if none came in time
     */
    Chunk take(int max, long waitNanos) throws InterruptedException {
        Chunk chunk = leftover;
        leftover = null;
        if (chunk == null) {
            chunk = waitNanos > 0 ? ready.poll(waitNanos, TimeUnit.NANOSECONDS) : ready.poll();
            if (chunk == null || chunk == WAKE) {
                return null;
            }
        }
        if (chunk.messages().size() <= max) {
            return chunk;
        }
        List<StoredMessage> head = chunk.messages().subList(0, max);
        leftover = new Chunk(new ArrayList<>(chunk.messages().subList(max, chunk.messages().size())),
                chunk.through(), chunk.passedOver());
        // What the filter passed over is counted with the rest; the cursor moves to the last one taken.
        return new Chunk(new ArrayList<>(head), head.get(head.size() - 1).id(), 0);
    }

    /**
     * Makes a {@link #take} that is waiting return null now (unpark does not end a wait on the
     * queue: close() waited out the whole idle wait, 200 ms, before this).
     */
    void wakeTaker() {
        ready.offer(WAKE); // a full queue has no taker waiting
    }

    /** Stops the thread; the reader stays open for its owner to close. */
    @Override
    public void close() {
        stopping = true;
        backend.removeStoredListener(wake);
        LockSupport.unpark(thread); // not interrupt(): that would close the file channel it may be reading
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

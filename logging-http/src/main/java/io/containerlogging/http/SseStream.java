package io.containerlogging.http;

import io.containerlogging.core.LogBackend;
import io.containerlogging.core.LogId;
import io.containerlogging.core.LogJson;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogSubscriber;
import io.containerlogging.core.LogSubscription;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One open Server-Sent Events response. Transport-neutral: it writes to an {@link OutputStream}
 * and calls {@code closeTransport} once when it ends.
 *
 * <p>No thread of its own: history is written by a stream-pool thread in {@link #open}, live
 * events by the backend's subscriber thread ({@link #onLog}), heartbeats by stream-pool tasks
 * the {@link SseStreams} timer schedules. A client that stops reading blocks only the thread
 * writing to it; the backend then drops for this subscription alone and reports the count
 * through {@link #onDropped}, which becomes a {@code dropped} event. Every write records when it
 * started ({@link #blockedSinceNanos}), so the timer can give up on a stream whose write has been
 * blocked too long.
 *
 * <p>Locking: {@link #lock} guards {@link #out}, {@link #lastSentSequence} and
 * {@link #transportClosed} writes. Heartbeats only {@code tryLock}, so a stuck client never
 * stalls the shared timer.
 */
final class SseStream implements LogSubscriber {

    private static final byte[] HEARTBEAT = ": heartbeat\n\n".getBytes(StandardCharsets.US_ASCII);

    private final ReentrantLock lock = new ReentrantLock();
    private final OutputStream out;
    private final Runnable closeTransport;
    private final Runnable onEnd;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean transportClosed;
    private volatile LogSubscription subscription;
    private final AtomicBoolean heartbeatPending = new AtomicBoolean();
    private final int maxHistoryBytes;
    private final long openedNanos = System.nanoTime();
    /** When the write in progress started, or 0 if none is. */
    private volatile long writeStartedNanos;
    private long lastSentSequence;

    /**
     * @param out the response body (buffered; flushed after each event)
     * @param closeTransport ends the response; called once
     * @param onEnd called once when the stream ends, e.g. to deregister it
     * @param maxHistoryBytes the most bytes of history {@link #open} sends
     */
    SseStream(OutputStream out, Runnable closeTransport, Runnable onEnd, int maxHistoryBytes) {
        this.out = out;
        this.closeTransport = closeTransport;
        this.onEnd = onEnd;
        this.maxHistoryBytes = maxHistoryBytes;
    }

    /**
     * Subscribes, then sends the headers and the history, then lets live events through.
     *
     * <p>Gap-free replay: the subscription is opened <em>before</em> history is read, so every
     * message stored after the read is delivered live; live messages wait on the lock until the
     * history is written, and those the history already contained (sequence &le; the last one
     * sent) are skipped.
     *
     * @param sendHeaders commits the response status and headers; runs after subscribing
     * @return false if the stream was closed before it could start (nothing has been sent then)
     * @throws IllegalStateException if the backend is closed (nothing has been sent then)
     */
    boolean open(LogBackend backend, StreamPlan plan, int bufferSize, IoAction sendHeaders) {
        lock.lock();
        try {
            if (closed.get()) {
                return false;
            }
            subscription = backend.subscribe(plan.filter(), bufferSize, this);
            if (closed.get()) {
                // close() ran between the check above and the assignment and saw no subscription
                subscription.close();
                return false;
            }
            List<LogMessage> history;
            try {
                history = plan.history(backend);
            } catch (RuntimeException e) {
                close();
                throw e; // nothing sent yet: the caller answers with an error
            }
            try {
                writeStartedNanos = System.nanoTime();
                sendHeaders.run();
                // The "retry" line tells EventSource how soon to reconnect (and resume with
                // Last-Event-ID) after a dropped connection.
                out.write("retry: 2000\n: connected\n\n".getBytes(StandardCharsets.US_ASCII));
                writeHistory(history);
                out.flush();
            } catch (IOException e) {
                close();
            } finally {
                writeStartedNanos = 0;
            }
            return true;
        } finally {
            release();
        }
    }

    /**
     * Writes the newest events of {@code history} that fit in {@code maxHistoryBytes}, after a
     * {@code truncated} event saying how many older ones were left out.
     */
    private void writeHistory(List<LogMessage> history) throws IOException {
        List<byte[]> events = new ArrayList<>();
        long bytes = 0;
        int first = history.size();
        while (first > 0) {
            byte[] event = event(history.get(first - 1));
            if (bytes + event.length > maxHistoryBytes && !events.isEmpty()) {
                break;
            }
            events.add(event);
            bytes += event.length;
            first--;
        }
        if (first > 0) {
            // A named event: EventSource's onmessage ignores it, listeners for "truncated" see it.
            out.write(("event: truncated\ndata: {\"omitted\":" + first + "}\n\n")
                    .getBytes(StandardCharsets.US_ASCII));
        }
        for (int i = events.size() - 1; i >= 0; i--) {
            out.write(events.get(i));
        }
        for (int i = first; i < history.size(); i++) {
            lastSentSequence = Math.max(lastSentSequence, LogId.trySequence(history.get(i).id()));
        }
    }

    @Override
    public void onLog(LogMessage message) {
        lock.lock();
        try {
            if (closed.get() || LogId.trySequence(message.id()) <= lastSentSequence) {
                return; // already sent as history
            }
            writeStartedNanos = System.nanoTime();
            writeEvent(message);
            out.flush();
        } catch (IOException e) {
            close(); // the client went away: unsubscribe now
        } finally {
            writeStartedNanos = 0;
            release();
        }
    }

    @Override
    public void onDropped(long count) {
        lock.lock();
        try {
            if (closed.get()) {
                return;
            }
            // A named event: EventSource's onmessage ignores it, listeners for "dropped" see it.
            // No id, so a reconnect resumes after the last log the client actually received.
            writeStartedNanos = System.nanoTime();
            out.write(("event: dropped\ndata: {\"dropped\":" + count + "}\n\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException e) {
            close();
        } finally {
            writeStartedNanos = 0;
            release();
        }
    }

    @Override
    public void onClosed() {
        close(); // the backend closed, or we did
    }

    /** Writes a comment line if no one else is writing; detects clients that went away. */
    void heartbeat() {
        heartbeatPending.set(false);
        if (!lock.tryLock()) {
            return; // busy writing: the connection is evidently in use
        }
        try {
            if (!closed.get()) {
                writeStartedNanos = System.nanoTime();
                out.write(HEARTBEAT);
                out.flush();
            }
        } catch (IOException e) {
            close();
        } finally {
            writeStartedNanos = 0;
            release();
        }
    }

    /** Claims the one heartbeat that may be pending at a time; false if one already is. */
    boolean claimHeartbeat() {
        return heartbeatPending.compareAndSet(false, true);
    }

    /** Gives back a claim whose heartbeat could not be scheduled. */
    void unclaimHeartbeat() {
        heartbeatPending.set(false);
    }

    /** When the write in progress started ({@link System#nanoTime()}), or 0 if none is. */
    long blockedSinceNanos() {
        return writeStartedNanos;
    }

    /** When this stream was created ({@link System#nanoTime()}). */
    long openedNanos() {
        return openedNanos;
    }

    boolean isClosed() {
        return closed.get();
    }

    /** Ends the stream: unsubscribes at once, and ends the response as soon as no one is writing. */
    void close() {
        giveUp();
        closeTransportIfIdle();
    }

    /**
     * Unsubscribes and frees the stream's place at once, without touching the connection, which
     * may be blocked: the writer that holds it closes it when its write returns, or
     * {@link #endTransport()} does.
     */
    void giveUp() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        LogSubscription current = subscription;
        if (current != null) {
            current.close();
        }
        onEnd.run();
    }

    /** Ends the response of a stream that was given up, if no one is writing; may block on the client. */
    void endTransport() {
        closeTransportIfIdle();
    }

    private void writeEvent(LogMessage message) throws IOException {
        out.write(event(message));
        lastSentSequence = Math.max(lastSentSequence, LogId.trySequence(message.id()));
    }

    /** One event; a message larger than the history bound is sent as an excerpt. */
    private byte[] event(LogMessage message) {
        if (message.message().length() > maxHistoryBytes / 8) {
            message = EncodedMessages.excerpt(message, maxHistoryBytes / 8);
        }
        // LogJson writes one line (newlines inside messages are escaped), so one data: line.
        String event = "id: " + message.id() + "\ndata: " + LogJson.toJson(message) + "\n\n";
        return event.getBytes(StandardCharsets.UTF_8);
    }

    private void release() {
        lock.unlock();
        closeTransportIfIdle();
    }

    /**
     * Closes the transport once, by whoever holds the lock after {@link #closed} is set: either
     * {@link #close()} itself, or the writer that was busy when it was called (it checks again
     * after unlocking, so the close is never lost).
     */
    private void closeTransportIfIdle() {
        while (closed.get() && !transportClosed && lock.tryLock()) {
            try {
                if (!transportClosed) {
                    transportClosed = true;
                    try {
                        closeTransport.run();
                    } catch (RuntimeException e) {
                        // the connection is gone either way
                    }
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** A step that may fail with an {@link IOException}. */
    @FunctionalInterface
    interface IoAction {
        void run() throws IOException;
    }
}

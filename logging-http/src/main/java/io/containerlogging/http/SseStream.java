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
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One open Server-Sent Events response. Transport-neutral: it writes to an {@link OutputStream}
 * and calls {@code closeTransport} once when it ends.
 *
 * <p>No thread of its own: history is written by the request thread in {@link #open}, live
 * events by the backend's subscriber thread ({@link #onLog}), heartbeats by the
 * {@link SseStreams} timer. A client that stops reading blocks only the subscriber thread of its
 * own subscription; the backend then drops for this subscription alone and reports the count
 * through {@link #onDropped}, which becomes a {@code dropped} event.
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
    private long lastSentSequence;

    /**
     * @param out the response body (buffered; flushed after each event)
     * @param closeTransport ends the response; called once
     * @param onEnd called once when the stream ends, e.g. to deregister it
     */
    SseStream(OutputStream out, Runnable closeTransport, Runnable onEnd) {
        this.out = out;
        this.closeTransport = closeTransport;
        this.onEnd = onEnd;
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
            try {
                sendHeaders.run();
                // The "retry" line tells EventSource how soon to reconnect (and resume with
                // Last-Event-ID) after a dropped connection.
                out.write("retry: 2000\n: connected\n\n".getBytes(StandardCharsets.US_ASCII));
                List<LogMessage> history = plan.history(backend);
                for (LogMessage message : history) {
                    writeEvent(message);
                }
                out.flush();
            } catch (IOException e) {
                close();
            }
            return true;
        } finally {
            release();
        }
    }

    @Override
    public void onLog(LogMessage message) {
        lock.lock();
        try {
            if (closed.get() || LogId.trySequence(message.id()) <= lastSentSequence) {
                return; // already sent as history
            }
            writeEvent(message);
            out.flush();
        } catch (IOException e) {
            close(); // the client went away: unsubscribe now
        } finally {
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
            out.write(("event: dropped\ndata: {\"dropped\":" + count + "}\n\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException e) {
            close();
        } finally {
            release();
        }
    }

    @Override
    public void onClosed() {
        close(); // the backend closed, or we did
    }

    /** Writes a comment line if no one else is writing; detects clients that went away. */
    void heartbeat() {
        if (!lock.tryLock()) {
            return; // busy writing: the connection is evidently in use
        }
        try {
            if (!closed.get()) {
                out.write(HEARTBEAT);
                out.flush();
            }
        } catch (IOException e) {
            close();
        } finally {
            release();
        }
    }

    boolean isClosed() {
        return closed.get();
    }

    /** Ends the stream: unsubscribes at once, and ends the response as soon as no one is writing. */
    void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        LogSubscription current = subscription;
        if (current != null) {
            current.close();
        }
        onEnd.run();
        closeTransportIfIdle();
    }

    private void writeEvent(LogMessage message) throws IOException {
        // LogJson writes one line (newlines inside messages are escaped), so one data: line.
        String event = "id: " + message.id() + "\ndata: " + LogJson.toJson(message) + "\n\n";
        out.write(event.getBytes(StandardCharsets.UTF_8));
        lastSentSequence = Math.max(lastSentSequence, LogId.trySequence(message.id()));
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

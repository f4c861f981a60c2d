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
 * <p>Locking: {@link #lock} guards {@link #out}, {@link #lastSentSequence}, {@link #lastSentId},
 * {@link #awaitingLive} and {@link #transportClosed} writes. Heartbeats only {@code tryLock}, so a
 * stuck client never stalls the shared timer.
 */
final class SseStream implements LogSubscriber {

    private static final System.Logger LOG = System.getLogger(SseStream.class.getName());
    /** EventSource's reconnection delay after a planned end ({@code continue} event), in ms. */
    static final int CONTINUE_RETRY_MILLIS = 250;
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
    /** The id of the last event written, or the resume id before any; for {@code continue} events. */
    private String lastSentId;
    /**
     * True from the end of a resume's replay until the first live event newer than it is
     * written: drops reported meanwhile may be of messages the replay did not reach.
     */
    private boolean awaitingLive;

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
     * <p>A resume ({@link StreamPlan#resumes()}) is replayed in pages ({@link #replay}); a tail is
     * read at once and sent newest-first-that-fit ({@link #writeHistory}).
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
            lastSentId = plan.resumeAfterId();
            subscription = backend.subscribe(plan.filter(), bufferSize, this);
            if (closed.get()) {
                // close() ran between the check above and the assignment and saw no subscription
                subscription.close();
                return false;
            }
            List<LogMessage> history;
            try {
                // For a resume only its first page: an error reading it still becomes an HTTP error.
                history = plan.resumes() ? plan.pageAfter(backend, plan.resumeAfterId()) : plan.tailHistory(backend);
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
                if (!plan.resumes()) {
                    writeHistory(history);
                    out.flush();
                } else if (replay(backend, plan, history)) {
                    out.flush();
                    awaitingLive = true;
                } else {
                    out.flush();
                    close(); // the rest of the backlog comes with the client's reconnect
                }
            } catch (IOException e) {
                close();
            } catch (RuntimeException e) {
                // A later page could not be read: end the stream; the reconnect tries again from
                // the last event sent.
                LOG.log(System.Logger.Level.WARNING, "reading a resumed stream's history failed", e);
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
     * Writes every stored matching message after the resume id, oldest first, one page of
     * {@link StreamPlan#RESUME_PAGE_SIZE} at a time, so memory holds one page however long the
     * backlog. Stops when a page comes back empty (caught up: live events take over, returns
     * true), or before an event that would take this connection's replay past
     * {@code maxHistoryBytes}: then it writes a {@code continue} event and returns false, and the
     * caller ends the stream. The client's reconnect with {@code Last-Event-ID} (the last event
     * written, complete) goes on from there: a long backlog is paged by reconnection.
     *
     * <p>Why end rather than keep going: live messages wait in the subscription's bounded buffer
     * while the replay holds the lock, so an unbounded replay would overflow it and lose them.
     * Ending after at most {@code maxHistoryBytes} bounds that wait; messages that overflow even
     * so are caught by {@link #onDropped} and also lead to a reconnect rather than a gap.
     */
    private boolean replay(LogBackend backend, StreamPlan plan, List<LogMessage> page) throws IOException {
        long written = 0;
        while (true) {
            for (LogMessage message : page) {
                if (closed.get()) {
                    return true; // given up (duration, shutdown): nothing more to write
                }
                byte[] event = event(message);
                if (written > 0 && written + event.length > maxHistoryBytes) {
                    writeContinue("history");
                    return false;
                }
                writeStartedNanos = System.nanoTime();
                out.write(event);
                written += event.length;
                sent(message);
            }
            if (page.isEmpty() || closed.get()) {
                return true;
            }
            // Caught up only at an empty page, not a short one: a backend may cap its pages lower.
            page = plan.pageAfter(backend, lastSentId);
        }
    }

    /**
     * A named event saying that this connection ends and the replay goes on after
     * {@code lastEventId} on the next one. Its {@code retry} shortens EventSource's reconnection
     * delay for that planned reconnect (the next connection sets it back).
     */
    private void writeContinue(String reason) throws IOException {
        out.write(("event: continue\nretry: " + CONTINUE_RETRY_MILLIS + "\ndata: {\"lastEventId\":\""
                + lastSentId + "\",\"reason\":\"" + reason + "\"}\n\n").getBytes(StandardCharsets.US_ASCII));
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
            sent(history.get(i));
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
            awaitingLive = false;
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
            writeStartedNanos = System.nanoTime();
            if (awaitingLive) {
                // Messages overflowed the buffer while a resume replayed: some may be newer than
                // the replay read, so end here and let the reconnect fetch them from the store.
                writeContinue("overflow");
                out.flush();
                close();
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
        sent(message);
    }

    private void sent(LogMessage message) {
        lastSentSequence = Math.max(lastSentSequence, LogId.trySequence(message.id()));
        lastSentId = message.id();
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

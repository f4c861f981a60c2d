package io.containerlogging.core;

/** An open {@link LogBackend#subscribe subscription}. Thread-safe. */
public interface LogSubscription extends AutoCloseable {

    /** Messages dropped for this subscription so far because its buffer was full. */
    long dropped();

    /** Whether {@link #close()} was called (or the backend closed). */
    boolean isClosed();

    /**
     * Stops delivery. A message already being delivered may still arrive. Safe to call more than
     * once, from any thread, including from inside the subscriber.
     */
    @Override
    void close();
}

package io.containerlogging.core;

/**
 * Receives live messages from {@link LogBackend#subscribe}. Called on a backend-owned thread, one
 * call at a time per subscription, in id order.
 *
 * <p>If {@link #onLog} or {@link #onDropped} throws, the subscription is closed: that is how a
 * subscriber writing to a client that went away unsubscribes itself.
 */
@FunctionalInterface
public interface LogSubscriber {

    /** Messages that may wait for a subscriber before it starts losing them. */
    int DEFAULT_BUFFER_SIZE = 1024;

    /** A message that matched the subscription's filter. */
    void onLog(LogMessage message);

    /**
     * {@code count} matching messages were dropped because this subscriber fell behind; called
     * before the next delivered message.
     */
    default void onDropped(long count) {
    }

    /**
     * The subscription ended: closed by its owner, by the backend's {@code close()}, or because
     * this subscriber threw. Called once, on the thread that closed it.
     */
    default void onClosed() {
    }
}

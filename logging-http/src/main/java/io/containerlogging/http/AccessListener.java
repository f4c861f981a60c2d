package io.containerlogging.http;

/**
 * Told about every request an {@link AccessFilter} sees, once its response has ended (for an event
 * stream: when the stream ends). Called on the thread that ended the response (a request thread, a
 * stream thread or the heartbeat thread), so it must be quick and thread-safe; an exception it
 * throws is logged once and otherwise ignored, never breaking the response.
 */
@FunctionalInterface
public interface AccessListener {

    /**
     * Records one access.
     *
     * @param record what was asked and answered
     */
    void accessed(AccessRecord record);
}

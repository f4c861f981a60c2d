package io.containerlogging.core.forward;

import io.containerlogging.core.LogMessage;
import java.io.IOException;
import java.util.List;

/**
 * Where a forwarder delivers stored log messages: a syslog server, a Kafka topic, a search
 * cluster, a webhook. Implement it to forward somewhere new.
 *
 * <p>A forwarder calls {@link #deliver} from one thread, one batch at a time, with the messages in
 * id order, and moves its cursor past a batch only when {@code deliver} returns. When
 * {@code deliver} throws, the forwarder delivers the same batch again later, after a pause that
 * grows with each failure. So every message arrives at least once, and a receiver that keys on
 * {@code deviceId} and {@code id} (both on every message) can drop the duplicates; the duplicate
 * window after a crash is one batch.
 *
 * <p>The forwarder calls {@link #deliverStored}, whose default decodes the batch and calls
 * {@link #deliver}: a sink implements {@code deliver} and may override {@code deliverStored} to
 * send the stored JSON as it is.
 *
 * <p>A sink does not retry on its own beyond what one attempt needs (for example, reconnecting
 * once), and every call is bounded in time: a receiver that stops answering makes
 * {@code deliver} throw, not hang.
 */
public interface ForwardSink extends AutoCloseable {

    /**
     * Where the messages go, for status pages and logs, without credentials: for example
     * {@code syslog+tcp://logs.example:601}.
     *
     * @return a short, safe description
     */
    String target();

    /**
     * Delivers a batch and returns once the receiver has acknowledged every message in it (for a
     * stream without acknowledgements such as syslog over TCP: once it is written and flushed).
     *
     * @param batch one or more messages, ids ascending; each has its {@code id} and {@code deviceId}
     * @throws RejectedMessagesException if the receiver refused some messages for good and
     *     acknowledged all the others: the forwarder reports the refused ones and goes on
     * @throws IOException if any message of the batch may not have arrived: the whole batch is
     *     delivered again later
     */
    void deliver(List<LogMessage> batch) throws IOException;

    /**
     * Delivers a batch as the forwarder reads it from the store: each message's id and its JSON
     * in the {@link io.containerlogging.core.LogJson} wire format, exactly the bytes that encoding
     * its {@link StoredMessage#message() decoded message} gives. A sink that sends that JSON
     * overrides this (and {@link #sendsStoredJson()}) to send the bytes as they are, instead of
     * decoding and encoding every message again; the default decodes the batch and calls
     * {@link #deliver(List)}. Same contract as {@link #deliver(List)}.
     *
     * @param batch one or more messages, ids ascending
     * @throws RejectedMessagesException as {@link #deliver(List)}
     * @throws IOException as {@link #deliver(List)}
     */
    default void deliverStored(List<StoredMessage> batch) throws IOException {
        deliver(StoredMessage.messages(batch));
    }

    /**
     * Whether {@link #deliverStored} sends the stored JSON without decoding most messages. A
     * forwarder decodes the messages it reads ahead, on its reading thread, for a sink that does
     * not (so that decoding overlaps delivering); for one that does, it decodes only what its
     * filter needs. Default false.
     */
    default boolean sendsStoredJson() {
        return false;
    }

    /** Closes connections and stops threads; a later {@link #deliver} is not made. */
    @Override
    void close() throws IOException;
}

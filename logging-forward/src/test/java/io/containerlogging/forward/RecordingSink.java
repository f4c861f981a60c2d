package io.containerlogging.forward;

import io.containerlogging.core.LogMessage;
import io.containerlogging.core.forward.ForwardSink;
import io.containerlogging.core.forward.RejectedMessagesException;
import io.containerlogging.core.forward.StoredMessage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A sink that keeps what it was given, and can be told to refuse deliveries: the failures of a
 * receiver, which the real sinks' own tests provoke for real (rsyslog, a broker, a node stopped).
 */
final class RecordingSink implements ForwardSink {

    private final List<LogMessage> received = new ArrayList<>();
    private final List<Integer> batchSizes = new ArrayList<>();
    private final List<Long> deliveryNanos = new ArrayList<>();
    final AtomicInteger attempts = new AtomicInteger();
    volatile boolean offline;
    /** Messages whose text contains this are refused for good (the rest of their batch is kept). */
    volatile String poison;
    volatile boolean closed;
    /** Whether it takes the stored JSON (as the webhook and Kafka sinks do) rather than decoded messages. */
    private final boolean storedJson;
    private final List<byte[]> json = new ArrayList<>();
    private final List<Boolean> decodedOnArrival = new ArrayList<>();

    RecordingSink() {
        this(false);
    }

    RecordingSink(boolean storedJson) {
        this.storedJson = storedJson;
    }

    @Override
    public boolean sendsStoredJson() {
        return storedJson;
    }

    @Override
    public void deliverStored(List<StoredMessage> batch) throws IOException {
        if (!storedJson) {
            ForwardSink.super.deliverStored(batch);
            return;
        }
        List<Boolean> decoded = batch.stream().map(StoredMessage::decoded).collect(Collectors.toList());
        deliver(StoredMessage.messages(batch));
        synchronized (this) {
            batch.forEach(message -> json.add(message.json()));
            decodedOnArrival.addAll(decoded);
        }
    }

    /** The JSON of each message received through {@link #deliverStored}. */
    synchronized List<byte[]> json() {
        return new ArrayList<>(json);
    }

    /** Whether each message received through {@link #deliverStored} was decoded already when it arrived. */
    synchronized List<Boolean> decodedOnArrival() {
        return new ArrayList<>(decodedOnArrival);
    }

    @Override
    public String target() {
        return "recording://test";
    }

    @Override
    public void deliver(List<LogMessage> batch) throws IOException {
        attempts.incrementAndGet();
        if (offline) {
            throw new IOException("receiver offline");
        }
        List<String> refused = new ArrayList<>();
        synchronized (this) {
            for (LogMessage message : batch) {
                if (poison != null && message.message().contains(poison)) {
                    refused.add(message.id());
                } else {
                    received.add(message);
                }
            }
            batchSizes.add(batch.size());
            deliveryNanos.add(System.nanoTime());
        }
        if (!refused.isEmpty()) {
            throw new RejectedMessagesException("refused " + refused.size() + " poisoned messages", refused);
        }
    }

    synchronized List<LogMessage> received() {
        return new ArrayList<>(received);
    }

    synchronized List<Integer> batchSizes() {
        return new ArrayList<>(batchSizes);
    }

    /** When each acknowledged delivery was made (System.nanoTime()). */
    synchronized List<Long> deliveryNanos() {
        return new ArrayList<>(deliveryNanos);
    }

    synchronized int size() {
        return received.size();
    }

    @Override
    public void close() {
        closed = true;
    }
}

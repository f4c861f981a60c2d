package io.containerlogging.forward;

import io.containerlogging.core.LogMessage;
import io.containerlogging.core.forward.ForwardSink;
import io.containerlogging.core.forward.RejectedMessagesException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

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

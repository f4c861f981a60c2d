package io.containerlogging.benchmarks;

import io.containerlogging.core.LogBackend;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.core.LogSubscriber;
import io.containerlogging.core.LogSubscription;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A backend whose queries return new copies of the stored messages: equal, never the same
 * instances. The HTTP server's per-message cache (which hits only for the identical instance)
 * therefore never hits, so a server over it shows the cost of a request whose messages were
 * never served before (a deep page, a new filter), plus the copying (~1/10 of encoding them).
 * Used by {@link HttpBenchServer}'s cold server.
 */
final class FreshCopies implements LogBackend {

    private final LogBackend stored;

    FreshCopies(LogBackend stored) {
        this.stored = stored;
    }

    @Override
    public List<LogMessage> getLogs(LogQuery query) {
        List<LogMessage> logs = stored.getLogs(query);
        List<LogMessage> copies = new ArrayList<>(logs.size());
        for (LogMessage message : logs) {
            copies.add(message.toBuilder().build());
        }
        return copies;
    }

    @Override
    public void initialize() throws IOException {
        stored.initialize();
    }

    @Override
    public LogMessage log(LogMessage message) {
        return stored.log(message);
    }

    @Override
    public long count() {
        return stored.count();
    }

    @Override
    public long count(LogQuery query) {
        return stored.count(query);
    }

    @Override
    public long cleanup(Duration maxAge) {
        return stored.cleanup(maxAge);
    }

    @Override
    public LogSubscription subscribe(LogQuery filter, int bufferSize, LogSubscriber subscriber) {
        return stored.subscribe(filter, bufferSize, subscriber);
    }

    @Override
    public int subscriberCount() {
        return stored.subscriberCount();
    }

    @Override
    public void close() {
        // the stored backend is closed by its owner
    }
}

package io.containerlogging.docker;

import io.containerlogging.core.LogBackend;
import io.containerlogging.core.LogFanout;
import io.containerlogging.core.LogId;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.core.LogSubscriber;
import io.containerlogging.core.LogSubscription;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal in-memory {@link LogBackend} for these tests only, standing in for
 * {@code LocalLogBackend} (logging-backend-local) until the branches merge: replace
 * {@code new TestBackend()} in {@link DockerTests#newBackend()} and delete this class.
 */
final class TestBackend implements LogBackend {

    private final List<LogMessage> messages = new ArrayList<>();
    private final LogFanout fanout = new LogFanout();
    private long sequence;
    private boolean closed;

    @Override
    public void initialize() {
    }

    @Override
    public synchronized LogMessage log(LogMessage message) {
        if (closed) {
            return message;
        }
        LogMessage stored = message.withId(LogId.format(++sequence));
        messages.add(stored);
        fanout.publish(stored);
        return stored;
    }

    @Override
    public synchronized List<LogMessage> getLogs(LogQuery query) {
        List<LogMessage> matching = new ArrayList<>();
        for (LogMessage message : messages) {
            if (query.matches(message)) {
                matching.add(message);
            }
        }
        if (query.limit() != null && matching.size() > query.limit()) {
            return new ArrayList<>(matching.subList(matching.size() - query.limit(), matching.size()));
        }
        return matching;
    }

    @Override
    public synchronized long count() {
        return messages.size();
    }

    @Override
    public synchronized long count(LogQuery query) {
        return messages.stream().filter(query::matches).count();
    }

    @Override
    public synchronized long cleanup(Duration maxAge) {
        Instant cutoff = Instant.now().minus(maxAge);
        int before = messages.size();
        messages.removeIf(message -> message.timestamp().isBefore(cutoff));
        return before - messages.size();
    }

    @Override
    public LogSubscription subscribe(LogQuery filter, int bufferSize, LogSubscriber subscriber) {
        return fanout.subscribe(filter, bufferSize, subscriber);
    }

    @Override
    public int subscriberCount() {
        return fanout.subscriberCount();
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        fanout.close();
    }
}

package io.containerlogging.http;

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
import java.util.Objects;

/**
 * A minimal in-memory {@link LogBackend} for these tests only: a list under a lock plus the core
 * {@link LogFanout}. Stands in for {@code LocalLogBackend} (written in parallel); the tests create
 * backends only through {@link #create()}, so swapping in the real one is a one-line change.
 */
final class TestBackend implements LogBackend {

    private final Object lock = new Object();
    private final List<LogMessage> stored = new ArrayList<>(); // guarded by lock
    private final LogFanout fanout = new LogFanout();
    private long lastSequence; // guarded by lock
    private volatile boolean closed;

    /** The backend every test in this module uses. */
    static LogBackend create() {
        return new TestBackend();
    }

    @Override
    public void initialize() {
    }

    @Override
    public LogMessage log(LogMessage message) {
        Objects.requireNonNull(message, "message");
        if (closed) {
            return message;
        }
        synchronized (lock) {
            LogMessage withId = message.withId(LogId.format(++lastSequence));
            stored.add(withId);
            fanout.publish(withId); // under the lock: subscribers see id order
            return withId;
        }
    }

    @Override
    public List<LogMessage> getLogs(LogQuery query) {
        List<LogMessage> matching = new ArrayList<>();
        synchronized (lock) {
            for (LogMessage message : stored) {
                if (query.matches(message)) {
                    matching.add(message);
                }
            }
        }
        Integer limit = query.limit();
        if (limit != null && matching.size() > limit) {
            return new ArrayList<>(matching.subList(matching.size() - limit, matching.size()));
        }
        return matching;
    }

    @Override
    public long count() {
        synchronized (lock) {
            return stored.size();
        }
    }

    @Override
    public long count(LogQuery query) {
        synchronized (lock) {
            return stored.stream().filter(query::matches).count();
        }
    }

    @Override
    public long cleanup(Duration maxAge) {
        Instant cutoff = Instant.now().minus(maxAge);
        synchronized (lock) {
            int before = stored.size();
            stored.removeIf(m -> m.timestamp().isBefore(cutoff));
            return before - stored.size();
        }
    }

    @Override
    public LogSubscription subscribe(LogQuery filter, int bufferSize, LogSubscriber subscriber) {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        return fanout.subscribe(filter, bufferSize, subscriber);
    }

    @Override
    public int subscriberCount() {
        return fanout.subscriberCount();
    }

    @Override
    public void close() {
        closed = true;
        fanout.close();
    }
}

package io.containerlogging.http;

import io.containerlogging.core.BackendStatistics;
import io.containerlogging.core.LogBackend;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.core.LogSubscriber;
import io.containerlogging.core.LogSubscription;
import io.containerlogging.core.ReadCheckpoint;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A real backend seen through a window: every call goes to it unchanged, and each
 * {@code getLogs} is recorded (its query and how many messages it returned), so a test can assert
 * how the server read history, e.g. that it never asked for the whole backlog at once.
 */
final class RecordingBackend implements LogBackend {

    /** One {@code getLogs} call: what was asked and how many messages came back. */
    record Read(LogQuery query, int returned) {
    }

    private final LogBackend delegate;
    final List<Read> reads = new CopyOnWriteArrayList<>();
    /** Runs before each {@code getLogs}, with the number of reads so far (a test's way to act mid-replay). */
    volatile Consumer<Integer> beforeRead = n -> { };

    RecordingBackend(LogBackend delegate) {
        this.delegate = delegate;
    }

    @Override
    public void initialize() throws java.io.IOException {
        delegate.initialize();
    }

    @Override
    public LogMessage log(LogMessage message) {
        return delegate.log(message);
    }

    @Override
    public List<LogMessage> getLogs(LogQuery query) {
        beforeRead.accept(reads.size());
        List<LogMessage> result = delegate.getLogs(query);
        reads.add(new Read(query, result.size()));
        return result;
    }

    @Override
    public long count() {
        return delegate.count();
    }

    @Override
    public long count(LogQuery query) {
        return delegate.count(query);
    }

    @Override
    public long cleanup(Duration maxAge) {
        return delegate.cleanup(maxAge);
    }

    @Override
    public LogSubscription subscribe(LogQuery filter, int bufferSize, LogSubscriber subscriber) {
        return delegate.subscribe(filter, bufferSize, subscriber);
    }

    @Override
    public void flush() {
        delegate.flush();
    }

    @Override
    public boolean buffersWrites() {
        return delegate.buffersWrites();
    }

    @Override
    public Optional<ReadCheckpoint> readPosition(String containerId, boolean stdErr) {
        return delegate.readPosition(containerId, stdErr);
    }

    @Override
    public BackendStatistics statistics() {
        return delegate.statistics();
    }

    @Override
    public int subscriberCount() {
        return delegate.subscriberCount();
    }

    @Override
    public void close() {
        delegate.close();
    }
}

package io.containerlogging.benchmarks;

import io.containerlogging.core.LogMessage;
import io.containerlogging.core.forward.ForwardSink;
import java.io.IOException;
import java.util.List;

/** A real receiver for {@link ForwardRatios}: the sink under test and its plain-loop reference. */
interface ForwardTarget extends AutoCloseable {

    /** The reference: the same client doing the same requests, nothing more. */
    interface PlainLoop {
        void deliver(List<LogMessage> batch) throws IOException;
    }

    /** {@code opensearch} (starts a node in this JVM), {@code webhook} or {@code webhook-gzip}. */
    static ForwardTarget named(String name) throws IOException {
        switch (name) {
            case "opensearch":
                return new OpenSearchForwardTarget();
            case "webhook":
                return new WebhookForwardTarget(false);
            case "webhook-gzip":
                return new WebhookForwardTarget(true);
            default:
                throw new IllegalArgumentException("target must be opensearch, webhook or webhook-gzip, was '" + name + "'");
        }
    }

    /** A new sink to the target; the caller closes it. */
    ForwardSink newSink();

    PlainLoop plainLoop();

    /** Throws unless {@code count} messages of {@code device} arrived. Untimed. */
    void verify(String device, int count) throws Exception;

    /** Removes what the last run left (untimed), so every run starts alike. */
    void reset() throws Exception;

    String describe();

    @Override
    void close() throws IOException;
}

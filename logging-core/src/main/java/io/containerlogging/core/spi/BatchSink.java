package io.containerlogging.core.spi;

import io.containerlogging.core.LogMessage;
import java.util.List;

/**
 * Where a {@link WriteQueue} hands its batches: the store-specific half of an asynchronous write
 * path (a bulk request, a file write, a call into another backend).
 *
 * <p>Called on the queue's one worker thread only, never concurrently with itself.
 */
@FunctionalInterface
public interface BatchSink {

    /**
     * Writes {@code batch}, in order, and returns when every message in it is written or has been
     * given up for good (rejected, counted by the sink). A sink that retries a failing destination
     * retries inside this call, so that the queue fills and further messages wait or drop while
     * the destination is away.
     *
     * @param batch one to {@link WriteQueue.Settings#batchSize()} messages; the list is reused by
     *     the queue after this returns, so a sink that keeps messages copies them
     * @throws InterruptedException when the queue gives up on this call at close (its close timeout
     *     ran out); the sink then stops at once
     */
    void write(List<LogMessage> batch) throws InterruptedException;

    /**
     * After {@link #write} was interrupted at close: how many messages of {@code batch} were
     * neither written nor rejected, so the queue counts exactly those as dropped. By default all
     * of them.
     *
     * @param batch the batch whose write was interrupted
     * @return a number from 0 to {@code batch.size()}
     */
    default int unwrittenAfterInterrupt(List<LogMessage> batch) {
        return batch.size();
    }
}

package io.containerlogging.benchmarks;

import io.containerlogging.core.LogMessage;
import io.containerlogging.core.forward.ForwardSink;
import io.containerlogging.forward.Forwarder;
import io.containerlogging.local.LocalLogBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * The forwarder mode of the forwarding benchmarks: messages written to a local store before the
 * clock starts (its device id taken from the first message), then a {@link Forwarder} catching
 * up from it into a sink; its rate is the catch-up rate of a backlog of that size. What the
 * forwarder adds to the sink is reading the files, parsing the lines and saving its cursor.
 */
final class StoredBacklog implements AutoCloseable {

    private final Path dir;
    private final LocalLogBackend backend;
    private final String head;

    private StoredBacklog(Path dir, LocalLogBackend backend) {
        this.dir = dir;
        this.backend = backend;
        this.head = backend.storedThrough();
    }

    /** Untimed: stores {@code messages} (their ids and device ids replaced by the store's own). */
    static StoredBacklog write(List<LogMessage> messages) throws IOException {
        return write(messages, true);
    }

    /**
     * Like {@link #write(List)}; with {@code compressed} false the rotated files stay plain, as the
     * files a forwarder that keeps up reads are (it reads each before it is rotated and compressed).
     */
    static StoredBacklog write(List<LogMessage> messages, boolean compressed) throws IOException {
        Path dir = Files.createTempDirectory("forward-bench");
        LocalLogBackend backend = LocalLogBackend.builder().enableFilePersistence(true).logDir(dir)
                .compressRotatedFiles(compressed)
                .deviceId(messages.get(0).deviceId()).maxLogs(10_000).build();
        backend.initialize();
        for (LogMessage message : messages) {
            backend.log(message.toBuilder().id(null).deviceId(null).build());
        }
        backend.flush();
        // The background compression of the rotated files is part of storing, not of forwarding:
        // let it finish (all files but the one being written compressed) before the clock starts.
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
        // With compression off there is nothing to wait for (this waited out its two minutes).
        while (compressed && backend.storageStatistics().compressedFiles() < backend.storageStatistics().files() - 1
                && System.nanoTime() < deadline) {
            LockSupport.parkNanos(10_000_000);
        }
        return new StoredBacklog(dir, backend);
    }

    /** Timed: a forwarder delivers the whole backlog to {@code sink} in batches of {@code batchSize}; closes it. */
    void forwardTo(ForwardSink sink, int batchSize) throws IOException {
        try (Forwarder forwarder = Forwarder.builder(backend, sink).name("bench").batchSize(batchSize).build()) {
            forwarder.start();
            while (!head.equals(forwarder.status().cursorId())) {
                LockSupport.parkNanos(1_000_000);
            }
        }
    }

    /**
     * Untimed, after the clock stopped: closes the store and deletes its files (about 10–20 ms for
     * 200 000 messages, which the other modes do not pay).
     */
    @Override
    public void close() throws IOException {
        backend.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}

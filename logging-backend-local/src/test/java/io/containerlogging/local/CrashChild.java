package io.containerlogging.local;

import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.core.LogSource;
import io.containerlogging.core.ReadCheckpoint;
import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The process {@link CrashLoopTest} kills: a local backend on a directory, fed a container's log
 * as the Docker monitor feeds it, resuming where the backend's read checkpoint says. Line i of the
 * "container" is {@code line-i}, stamped {@code T0 + i/3} microseconds, so three lines share each
 * timestamp. Prints {@code ready}, then {@code <id> <i>} for every line whose id log() returned
 * (what an HTTP or SSE client could have seen), and floods until killed. With
 * {@link LocalLogBackend.Builder#durableReads durable reads} it prints instead what a subscriber
 * received: what an SSE client sees when the backend serves only durable lines.
 *
 * <p>Arguments: the log directory, T0 as an ISO instant, the ring size, and {@code durable} for
 * durable reads (optional).
 */
public final class CrashChild {

    static final String CONTAINER = "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00";

    private CrashChild() {
    }

    static Instant timestamp(Instant t0, long line) {
        return t0.plusNanos(line / 3 * 1_000);
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Instant t0 = Instant.parse(args[1]);
        int ring = Integer.parseInt(args[2]);
        boolean durable = args.length > 3 && args[3].equals("durable");
        LocalLogBackend backend = LocalLogBackend.builder().enableFilePersistence(true).logDir(dir).maxLogs(ring)
                .flushInterval(Duration.ofMillis(20)).durableReads(durable).build();
        backend.initialize();
        long next = 1;
        Optional<ReadCheckpoint> position = backend.readPosition(CONTAINER, false);
        if (position.isPresent()) {
            // Skip what is stored: every line before the position's timestamp and the first
            // `linesAtTimestamp` lines at it, exactly as the monitor resumes a Docker stream.
            ReadCheckpoint at = position.get();
            while (timestamp(t0, next).isBefore(at.timestamp())) {
                next++;
            }
            next += at.linesAtTimestamp();
        }
        // Not System.out: a PrintStream swallows the broken pipe of a parent that went away, and the
        // child would flood the disk forever. This stream throws, and the child exits.
        BufferedWriter out = new BufferedWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out),
                StandardCharsets.US_ASCII));
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); // bounded even if never killed
        out.write("ready " + next + "\n");
        out.flush();
        if (durable) {
            backend.subscribe(LogQuery.builder().containerId(CONTAINER).build(), 1 << 16, message -> {
                try {
                    out.write(message.id() + " " + message.message().substring("line-".length()) + "\n");
                    out.flush();
                } catch (IOException e) {
                    System.exit(4); // the parent went away
                }
            });
        }
        for (long i = next; System.nanoTime() < giveUp; i++) {
            LogMessage stored = backend.log(new LogMessage(null, "line-" + i, timestamp(t0, i), LogLevel.INFO,
                    LogSource.container("web"), 1, "web", CONTAINER, false, false, null));
            if (!durable) {
                out.write(stored.id() + " " + i + "\n");
                if (i % 64 == 0) {
                    out.flush();
                }
            }
        }
        System.exit(3);
    }
}

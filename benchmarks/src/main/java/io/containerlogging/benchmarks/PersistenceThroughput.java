package io.containerlogging.benchmarks;

import io.containerlogging.core.LogMessage;
import io.containerlogging.local.LocalLogBackend;
import io.containerlogging.local.StorageStatistics;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.stream.Stream;

/**
 * Target 3, the backend side: how fast lines reach the log files. Each round logs 1M messages into
 * a persisting backend whose ring holds them all (so nothing is dropped) and stops the clock when
 * {@code close()} returns, i.e. when the writer has encoded, written and flushed every line; the
 * files are then counted to prove it. Goal: at least 1.5× the rate at which dockerd writes its
 * own json-file log for the same number of lines ({@code scripts/bench/docker.sh} measures that).
 *
 * <p>Run: {@code java -Xmx2g -cp benchmarks/target/benchmarks.jar
 * io.containerlogging.benchmarks.PersistenceThroughput [messages] [rounds] [sample|seq]}: the
 * messages are typical container lines with 100-character texts ({@code sample}, the default) or the lines
 * {@code seq 1 N} prints, from one container ({@code seq}, as dockerd is measured). A fourth
 * argument sets compression: {@code gz} (the default: rotated files are compressed in the
 * background while the clock runs, and whatever is still plain when {@code close()} returns is
 * left for the next start), {@code gz-all} (the clock also waits until every rotated file is
 * compressed) or {@code plain} (compression off). With {@code -Ddurable=true} the clock also
 * covers forcing every file to the device after {@code close()}. Prints one line per round and
 * {@code persist median=<lines/s> min=.. max=..}.
 */
public final class PersistenceThroughput {

    private PersistenceThroughput() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        boolean seqLines = args.length > 2 && args[2].equals("seq");
        String compression = args.length > 3 ? args[3] : "gz";
        if (!List.of("gz", "gz-all", "plain").contains(compression)) {
            throw new IllegalArgumentException("compression: gz, gz-all or plain, was " + compression);
        }
        LogMessage[] messages = SampleMessages.messages(count);
        if (seqLines) {
            // The lines of `seq 1 N` from one container: what dockerd's own rate is measured with.
            for (int i = 0; i < count; i++) {
                messages[i] = SampleMessages.message(0).toBuilder().message(Integer.toString(i + 1))
                        .timestamp(messages[i].timestamp()).stdErr(false).build();
            }
        }
        long[] rates = new long[rounds];
        for (int round = 0; round < rounds; round++) {
            Path dir = Files.createTempDirectory("container-logging-persist-bench");
            try {
                LocalLogBackend backend = LocalLogBackend.builder().maxLogs(count)
                        .enableFilePersistence(true).logDir(dir).compressRotatedFiles(!compression.equals("plain"))
                        .build();
                backend.initialize();
                long start = System.nanoTime();
                for (LogMessage message : messages) {
                    backend.log(message);
                }
                long logged = System.nanoTime();
                while (compression.equals("gz-all") && backend.storageStatistics().compressedFiles()
                        < backend.storageStatistics().files() - 1) {
                    Thread.sleep(5);
                }
                StorageStatistics storage = backend.storageStatistics();
                backend.close();
                if (Boolean.getBoolean("durable")) {
                    forceAll(dir);
                }
                long end = System.nanoTime();
                long lines = countLines(dir);
                if (lines != count || backend.statistics().dropped() != 0) {
                    throw new IllegalStateException("wrote " + lines + " of " + count + " lines, dropped "
                            + backend.statistics().dropped());
                }
                rates[round] = count * 1_000_000_000L / (end - start);
                System.out.printf("round %d: %d lines on disk in %d ms (log() calls took %d ms): %d lines/s;"
                        + " %d of %d files compressed at close%n", round, lines, (end - start) / 1_000_000,
                        (logged - start) / 1_000_000, rates[round], storage.compressedFiles(), storage.files());
            } finally {
                try (Stream<Path> paths = Files.walk(dir)) {
                    paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
                }
            }
            System.gc();
        }
        long[] sorted = rates.clone();
        Arrays.sort(sorted);
        System.out.printf("persist median=%d min=%d max=%d (lines/s, %d rounds)%n",
                sorted[rounds / 2], sorted[0], sorted[rounds - 1], rounds);
    }

    /**
     * Forces every file under {@code dir} to the device, so that the clock covers making the lines
     * durable whether or not the backend's {@code close()} does it itself (a no-op for files it has
     * already forced). Lets a backend that does not force be compared fairly with one that does.
     */
    private static void forceAll(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) paths.filter(Files::isRegularFile)::iterator) {
                try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
                    channel.force(true);
                }
            }
        }
    }

    private static long countLines(Path dir) throws IOException {
        long lines = 0;
        try (Stream<Path> files = Files.list(dir)
                .filter(file -> file.getFileName().toString().matches("container-manager-\\d+\\.log(\\.gz)?"))) {
            for (Path file : (Iterable<Path>) files::iterator) {
                byte[] bytes;
                if (file.getFileName().toString().endsWith(".gz")) {
                    try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
                        bytes = in.readAllBytes();
                    }
                } else {
                    bytes = Files.readAllBytes(file);
                }
                for (byte b : bytes) {
                    if (b == '\n') {
                        lines++;
                    }
                }
            }
        }
        return lines;
    }
}

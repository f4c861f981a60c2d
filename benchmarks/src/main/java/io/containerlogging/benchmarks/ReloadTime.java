package io.containerlogging.benchmarks;

import io.containerlogging.local.LocalLogBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Target 6: reload of 1M persisted messages at {@code initialize()}. Writes the messages once
 * through a persisting backend (default 10 MiB files), then times {@code initialize()} of a fresh
 * backend with {@code maxLogs} 1M on the same directory, several times in one JVM (the first
 * rounds include warm-up; all are printed, with the process CPU time each took). Goal (issue 20):
 * at most 1 s.
 *
 * <p>Run: {@code java -Xmx2g -cp benchmarks/target/benchmarks.jar
 * io.containerlogging.benchmarks.ReloadTime [messages] [rounds]}. Prints one line per round and
 * {@code reload median=<ms> min=<ms> max=<ms>}.
 */
public final class ReloadTime {

    private ReloadTime() {
    }

    private static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean
                ? ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() : 0;
    }

    public static void main(String[] args) throws IOException {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        Path dir = Files.createTempDirectory("container-logging-reload-bench");
        try {
            try (LocalLogBackend writer = LocalLogBackend.builder().maxLogs(count)
                    .enableFilePersistence(true).logDir(dir).build()) {
                writer.initialize();
                for (int i = 0; i < count; i++) {
                    writer.log(SampleMessages.message(i));
                }
            }
            long bytes;
            try (Stream<Path> files = Files.list(dir)) {
                bytes = files.mapToLong(path -> path.toFile().length()).sum();
            }
            System.out.printf("persisted %d messages, %d MB%n", count, bytes >> 20);
            long[] millis = new long[rounds];
            for (int round = 0; round < rounds; round++) {
                LocalLogBackend reader = LocalLogBackend.builder().maxLogs(count)
                        .enableFilePersistence(true).logDir(dir).build();
                long cpuStart = processCpuNanos();
                long start = System.nanoTime();
                reader.initialize();
                millis[round] = (System.nanoTime() - start) / 1_000_000;
                long cpuMillis = (processCpuNanos() - cpuStart) / 1_000_000;
                long reloaded = reader.count();
                reader.close();
                // CPU time too: on a shared machine the wall time says more about the neighbours.
                System.out.printf("round %d: reloaded %d in %d ms (process CPU %d ms)%n", round, reloaded,
                        millis[round], cpuMillis);
                if (reloaded != count) {
                    throw new IllegalStateException("reloaded " + reloaded + " of " + count);
                }
                System.gc();
            }
            long[] sorted = millis.clone();
            Arrays.sort(sorted);
            System.out.printf("reload median=%d min=%d max=%d (ms, %d rounds)%n",
                    sorted[rounds / 2], sorted[0], sorted[rounds - 1], rounds);
        } finally {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }
}

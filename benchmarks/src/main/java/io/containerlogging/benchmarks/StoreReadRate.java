package io.containerlogging.benchmarks;

import io.containerlogging.core.LogMessage;
import io.containerlogging.core.forward.ForwardSink;
import io.containerlogging.core.forward.StoredMessage;
import io.containerlogging.forward.Forwarder;
import io.containerlogging.local.LocalLogBackend;
import io.containerlogging.local.StoreReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * How fast a {@link StoreReader} reads a local store back (what a forwarder catching up, or a
 * poller behind the memory, costs): {@code count} sample messages are stored (the rotated files
 * compressed, as they would be), then read whole in batches of 500, {@code rounds} times after
 * one warm-up read, decoded ({@link StoreReader#next}) and as stored JSON
 * ({@link StoreReader#nextStored}); then the same store through a {@link Forwarder} into a sink
 * that does nothing (the forwarder's own ceiling), once decoding every message for it and once
 * taking the stored JSON. Prints each run and the medians.
 *
 * <pre>
 * bash scripts/bench/store-read.sh          # MESSAGES=200000 ROUNDS=5
 * </pre>
 */
public final class StoreReadRate {

    private StoreReadRate() {
    }

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path dir = Files.createTempDirectory("store-read");
        try (LocalLogBackend backend = LocalLogBackend.builder().enableFilePersistence(true).logDir(dir)
                .maxLogs(10_000).build()) {
            backend.initialize();
            for (int i = 0; i < count; i++) {
                backend.log(SampleMessages.message(i));
            }
            backend.flush();
            while (backend.storageStatistics().compressedFiles() < backend.storageStatistics().files() - 1) {
                Thread.sleep(10);
            }
            System.out.println(backend.storageStatistics());
            double[] rates = new double[rounds];
            for (int round = 0; round <= rounds; round++) {
                long start = System.nanoTime();
                long read = 0;
                try (StoreReader reader = backend.reader(null)) {
                    List<LogMessage> batch;
                    while (!(batch = reader.next(500)).isEmpty()) {
                        read += batch.size();
                    }
                }
                double rate = read / ((System.nanoTime() - start) / 1e9);
                System.out.printf(Locale.ROOT, "%s: %d messages read, %.0f messages/s%n",
                        round == 0 ? "warm-up" : "round " + round, read, rate);
                if (round > 0) {
                    rates[round - 1] = rate;
                }
            }
            java.util.Arrays.sort(rates);
            System.out.printf(Locale.ROOT, "read: median %.0f messages/s [%.0f-%.0f] over %d rounds%n",
                    rates[rates.length / 2], rates[0], rates[rates.length - 1], rounds);
            // The same read as stored JSON (StoreReader.nextStored): what a forwarder into a sink
            // that sends our JSON (webhook, Kafka) reads.
            for (int round = 0; round <= rounds; round++) {
                long start = System.nanoTime();
                long read = 0;
                try (StoreReader reader = backend.reader(null)) {
                    List<StoredMessage> batch;
                    while (!(batch = reader.nextStored(500)).isEmpty()) {
                        read += batch.size();
                    }
                }
                double rate = read / ((System.nanoTime() - start) / 1e9);
                System.out.printf(Locale.ROOT, "stored JSON %s: %d messages read, %.0f messages/s%n",
                        round == 0 ? "warm-up" : "round " + round, read, rate);
                if (round > 0) {
                    rates[round - 1] = rate;
                }
            }
            java.util.Arrays.sort(rates);
            System.out.printf(Locale.ROOT, "read as stored JSON: median %.0f messages/s [%.0f-%.0f] over %d rounds%n",
                    rates[rates.length / 2], rates[0], rates[rates.length - 1], rounds);
            // The same store through a Forwarder into a sink that does nothing: the forwarder's
            // own ceiling (the read, the hand-off between its two threads, the cursor).
            String head = backend.storedThrough();
            for (boolean storedJson : new boolean[] {false, true}) {
                for (int round = 0; round <= rounds; round++) {
                    long[] delivered = new long[1];
                    ForwardSink nothing = new ForwardSink() {
                        @Override
                        public String target() {
                            return "nothing://";
                        }

                        @Override
                        public void deliver(List<LogMessage> batch) {
                            delivered[0] += batch.size();
                        }

                        @Override
                        public void deliverStored(List<StoredMessage> batch) throws java.io.IOException {
                            if (storedJson) {
                                delivered[0] += batch.size();
                            } else {
                                ForwardSink.super.deliverStored(batch);
                            }
                        }

                        @Override
                        public boolean sendsStoredJson() {
                            return storedJson;
                        }

                        @Override
                        public void close() {
                        }
                    };
                    long start = System.nanoTime();
                    try (Forwarder forwarder = Forwarder.builder(backend, nothing)
                            .name("bench-" + storedJson + "-" + round).build()) {
                        forwarder.start();
                        while (!head.equals(forwarder.status().cursorId())) {
                            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                        }
                    }
                    double rate = delivered[0] / ((System.nanoTime() - start) / 1e9);
                    System.out.printf(Locale.ROOT, "forwarder%s %s: %d messages, %.0f messages/s%n",
                            storedJson ? " (stored JSON)" : "", round == 0 ? "warm-up" : "round " + round,
                            delivered[0], rate);
                    if (round > 0) {
                        rates[round - 1] = rate;
                    }
                }
                java.util.Arrays.sort(rates);
                System.out.printf(Locale.ROOT, "forwarder into nothing%s: median %.0f messages/s [%.0f-%.0f] over %d rounds%n",
                        storedJson ? " taking stored JSON" : "", rates[rates.length / 2], rates[0],
                        rates[rates.length - 1], rounds);
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }
}

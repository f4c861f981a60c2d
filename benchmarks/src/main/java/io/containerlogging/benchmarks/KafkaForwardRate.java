package io.containerlogging.benchmarks;

import io.containerlogging.core.LogJson;
import io.containerlogging.core.LogMessage;
import io.containerlogging.forward.kafka.KafkaCompression;
import io.containerlogging.forward.kafka.KafkaSink;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.utils.Utils;

/**
 * Issue 17's forward-rate goal for Kafka: messages/s through {@link KafkaSink#deliver} in batches
 * of 500 against a plain loop over a {@link KafkaProducer} with the same settings
 * ({@link KafkaSink#producerProperties()}) that sends the same records (same key, JSON value and
 * partition, encoded in the loop too) and flushes and checks every 500. Both run in the same JVM
 * against the same broker, alternating within each round, each round on fresh one-partition topics
 * (one device's messages go to one partition). Many short rounds with the ratio taken per round,
 * because a shared 2-core machine's load drifts within seconds.
 *
 * <p>Run (the broker: {@code scripts/bench/forward-kafka.sh} starts one in a child JVM):
 * {@code java -Xmx1g -cp benchmarks/target/benchmarks.jar io.containerlogging.benchmarks.KafkaForwardRate
 * <bootstrap host:port> [messages per round, 300000] [rounds, 15] [compression gzip|none] [modes plain,sink]}.
 * Prints one line per round and mode, then per mode {@code median min max} of messages/s and of
 * this JVM's CPU time per message, each with the median and range of its per-round ratio to
 * {@code plain}.
 *
 * <p>A further mode (the forwarder reading the local store) is one more entry in {@link #modes}.
 */
public final class KafkaForwardRate {

    static final int BATCH = 500;
    static final String DEVICE = "bench-device";
    // Wall-clock rates swing by 2x on a shared 2-core machine; the client's CPU per message does not.
    private static final com.sun.management.OperatingSystemMXBean CPU =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /** One way of getting {@code messages} into {@code topic}; returns when all are acknowledged. */
    interface Mode {
        void run(List<LogMessage> messages, String topic) throws Exception;

        /** Untimed setup before {@link #run}; none by default. */
        default void prepare(List<LogMessage> messages) throws Exception {
        }

        /** Untimed teardown after {@link #run}; none by default. */
        default void finish() throws Exception {
        }
    }

    private final String bootstrap;
    private final KafkaCompression compression;

    private KafkaForwardRate(String bootstrap, KafkaCompression compression) {
        this.bootstrap = bootstrap;
        this.compression = compression;
    }

    private KafkaSink sink(String topic) {
        return KafkaSink.builder().bootstrapServers(List.of(bootstrap)).topic(topic).compression(compression).build();
    }

    Map<String, Mode> modes() {
        Map<String, Mode> modes = new LinkedHashMap<>();
        modes.put("plain", this::plainLoop);
        modes.put("sink", this::sinkDeliver);
        modes.put("forwarder", new Mode() {
            private StoredBacklog backlog;

            @Override
            public void prepare(List<LogMessage> messages) throws Exception {
                backlog = StoredBacklog.write(messages); // the store is written before the clock starts
            }

            @Override
            public void run(List<LogMessage> messages, String topic) throws Exception {
                backlog.forwardTo(sink(topic), BATCH);
            }

            @Override
            public void finish() throws Exception {
                backlog.close(); // closing the store and deleting its files is not forwarding
            }
        });
        return modes;
    }

    private void sinkDeliver(List<LogMessage> messages, String topic) throws Exception {
        try (KafkaSink sink = sink(topic)) {
            for (int i = 0; i < messages.size(); i += BATCH) {
                sink.deliver(messages.subList(i, Math.min(messages.size(), i + BATCH)));
            }
        }
    }

    private void plainLoop(List<LogMessage> messages, String topic) throws Exception {
        Map<String, Object> config;
        try (KafkaSink sink = sink(topic)) {
            config = sink.producerProperties();
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
            int partitions = producer.partitionsFor(topic).size();
            List<Future<RecordMetadata>> futures = new ArrayList<>(BATCH);
            for (int i = 0; i < messages.size(); i += BATCH) {
                futures.clear();
                for (LogMessage message : messages.subList(i, Math.min(messages.size(), i + BATCH))) {
                    byte[] key = (message.deviceId() + "/" + message.id()).getBytes(StandardCharsets.UTF_8);
                    byte[] value = LogJson.toJson(message).getBytes(StandardCharsets.UTF_8);
                    int partition = Utils.toPositive(Utils.murmur2(message.deviceId().getBytes(StandardCharsets.UTF_8))) % partitions;
                    futures.add(producer.send(new ProducerRecord<>(topic, partition, key, value)));
                }
                producer.flush();
                for (Future<RecordMetadata> future : futures) {
                    future.get();
                }
            }
        }
    }

    private void createTopics(List<String> topics) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<NewTopic> newTopics = topics.stream().map(t -> new NewTopic(t, 1, (short) 1)).toList();
            admin.createTopics(newTopics).all().get();
        }
    }

    /** One run's rate and the CPU time this JVM spent per message (all threads: caller, producer, GC). */
    record Run(double perSecond, double cpuMicrosPerMessage) {
    }

    private Run measure(Mode mode, List<LogMessage> messages, String topic) throws Exception {
        mode.prepare(messages);
        long cpu = CPU.getProcessCpuTime();
        long start = System.nanoTime();
        mode.run(messages, topic);
        double seconds = (System.nanoTime() - start) / 1e9;
        Run run = new Run(messages.size() / seconds, (CPU.getProcessCpuTime() - cpu) / 1e3 / messages.size());
        mode.finish();
        return run;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: KafkaForwardRate <bootstrap host:port> [messages] [rounds] [gzip|none] [plain,sink]");
            System.exit(2);
        }
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 300_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 15;
        KafkaCompression compression = args.length > 3
                ? KafkaCompression.valueOf(args[3].toUpperCase(Locale.ROOT)) : KafkaCompression.GZIP;
        KafkaForwardRate bench = new KafkaForwardRate(args[0], compression);
        Map<String, Mode> all = bench.modes();
        List<String> names = args.length > 4 ? Arrays.asList(args[4].split(",")) : List.copyOf(all.keySet());
        if (!all.keySet().containsAll(names) || !names.contains("plain")) {
            System.err.println("modes must include plain and be among " + all.keySet() + ", were " + names);
            System.exit(2);
        }

        List<LogMessage> messages = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            messages.add(SampleMessages.message(i).withId("log-" + (i + 1)).withDeviceId(DEVICE));
        }
        System.out.printf("kafka forward rate: %d messages/round (%d-character texts, ~%d-byte values), "
                        + "batches of %d, %s, %d rounds, modes %s%n",
                count, SampleMessages.TEXT_LENGTH, LogJson.toJson(messages.get(0)).length(), BATCH,
                compression, rounds, names);

        // Warm-up, not measured: three rounds per mode, because the broker's JIT warms up too (after
        // a 50 000-message warm-up the rates still doubled from the first round to the last).
        // Every topic is made up front, so that making one never falls within a measured run (one
        // suspect, not confirmed, for the 3 of about 80 earlier runs in which a batch expired after 30 s).
        List<String> topics = new ArrayList<>();
        for (String name : names) {
            for (int w = 1; w <= 3; w++) {
                topics.add("warmup-" + name + "-" + w);
            }
            for (int r = 1; r <= rounds; r++) {
                topics.add("bench-" + name + "-" + r);
            }
        }
        bench.createTopics(topics);
        Thread.sleep(5_000);
        for (int w = 1; w <= 3; w++) {
            for (String name : names) {
                Run run = bench.measure(all.get(name), messages, "warmup-" + name + "-" + w);
                System.out.printf("warm-up %d %-6s %,10.0f messages/s %6.2f µs CPU/message%n",
                        w, name, run.perSecond(), run.cpuMicrosPerMessage());
            }
        }

        Map<String, List<Double>> rates = new LinkedHashMap<>();
        Map<String, List<Double>> ratios = new LinkedHashMap<>();
        Map<String, List<Double>> cpus = new LinkedHashMap<>();
        Map<String, List<Double>> cpuRatios = new LinkedHashMap<>();
        int failed = 0;
        for (int round = 1; round <= rounds; round++) {
            // Alternate the order so neither mode always runs on a warmer (or fuller) broker.
            List<String> order = new ArrayList<>(names);
            if (round % 2 == 0) {
                Collections.reverse(order);
            }
            Map<String, Run> thisRound = new LinkedHashMap<>();
            try {
                for (String name : order) {
                    Run run = bench.measure(all.get(name), messages, "bench-" + name + "-" + round);
                    thisRound.put(name, run);
                    System.out.printf("round %d %-6s %,10.0f messages/s %6.2f µs CPU/message%n",
                            round, name, run.perSecond(), run.cpuMicrosPerMessage());
                }
            } catch (Exception e) {
                // A batch that expired (see above) loses the round, not the whole run.
                System.out.printf("round %d failed, left out: %s%n", round, e);
                failed++;
                continue;
            }
            Run plain = thisRound.get("plain");
            for (String name : names) {
                Run run = thisRound.get(name);
                rates.computeIfAbsent(name, k -> new ArrayList<>()).add(run.perSecond());
                ratios.computeIfAbsent(name, k -> new ArrayList<>()).add(run.perSecond() / plain.perSecond());
                cpus.computeIfAbsent(name, k -> new ArrayList<>()).add(run.cpuMicrosPerMessage());
                cpuRatios.computeIfAbsent(name, k -> new ArrayList<>())
                        .add(run.cpuMicrosPerMessage() / plain.cpuMicrosPerMessage());
            }
        }
        if (failed > 0) {
            System.out.printf("%d of %d rounds failed and are left out%n", failed, rounds);
        }
        for (String name : names) {
            List<Double> rate = rates.get(name);
            List<Double> ratio = ratios.get(name);
            System.out.printf(Locale.ROOT, "%s rate median=%.0f min=%.0f max=%.0f messages/s; vs plain median=%.3f min=%.3f max=%.3f n=%d%n",
                    name, median(rate), min(rate), max(rate), median(ratio), min(ratio), max(ratio), rate.size());
            List<Double> cpu = cpus.get(name);
            List<Double> cpuRatio = cpuRatios.get(name);
            System.out.printf(Locale.ROOT, "%s cpu median=%.2f min=%.2f max=%.2f µs/message; vs plain median=%.3f min=%.3f max=%.3f n=%d%n",
                    name, median(cpu), min(cpu), max(cpu), median(cpuRatio), min(cpuRatio), max(cpuRatio), cpu.size());
        }
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    private static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }
}

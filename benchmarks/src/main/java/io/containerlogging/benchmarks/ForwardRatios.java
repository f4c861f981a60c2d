package io.containerlogging.benchmarks;

import io.containerlogging.core.LogId;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.forward.ForwardSink;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Sustained forward rate of a sink against a plain loop with the same client doing the same
 * requests, in the same JVM and run (issue 17: the forwarder should reach at least 0.9x of it).
 * Each round runs every mode once on fresh messages (a device id of its own, so no run overwrites
 * another's documents), in alternating order (ABBA) so that drift in the machine's load does not
 * favour one side; round 0 warms up and is not counted. Each run is checked afterwards (every
 * message arrived), outside the clock. Prints each round's rates and, at the end, per mode the
 * median rate and its ratio to the reference's, median [min-max] over the rounds. Then the same
 * number of {@link #paired} rounds: sink and plain loop batch by batch in turn, the figure to
 * quote on a loaded machine.
 *
 * <p>Not JMH: the unit of work is a network round trip per batch of {@value #BATCH} messages, not
 * nanoseconds, and the OpenSearch node must live across rounds.
 *
 * <p>Run through {@code scripts/bench/forward-opensearch.sh} or {@code forward-webhook.sh}, or:
 * <pre>
 * mvn -B -ntp -q -pl benchmarks -am package -DskipTests dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -Xmx2g -cp benchmarks/target/classes:$(cat /tmp/cp.txt) io.containerlogging.benchmarks.ForwardRatios \
 *     opensearch|webhook|webhook-gzip [messages, default 100000] [rounds, default 5]
 * </pre>
 *
 * <p>Modes: {@code plain} (the reference), {@code sink} (the sink's deliver in a loop) and
 * {@code forwarder} (a {@link io.containerlogging.forward.Forwarder} catching up from a local store
 * holding the messages: its rate is the catch-up rate of a backlog of that size). Adding a mode:
 * add it to the list in {@link #modes}; its {@link Mode#prepare} does the untimed setup, the
 * returned run is what the clock measures, and its {@code close()} the untimed teardown.
 */
public final class ForwardRatios {

    /** Messages per delivery, as a forwarder batches them. */
    static final int BATCH = 500;

    /** One way of getting messages to the target. */
    interface Mode {
        String name();

        /** Untimed setup for {@code messages}; the returned run is timed. */
        Run prepare(ForwardTarget target, List<LogMessage> messages) throws Exception;
    }

    /** The timed part of a mode, and its untimed teardown. */
    interface Run extends AutoCloseable {
        void run() throws Exception;

        /** Untimed, after the clock stopped (a forwarder's store closed and deleted); nothing by default. */
        @Override
        default void close() throws Exception {
        }
    }

    private ForwardRatios() {
    }

    public static void main(String[] args) throws Exception {
        String targetName = args.length > 0 ? args[0] : "webhook";
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        try (ForwardTarget target = ForwardTarget.named(targetName)) {
            List<Mode> modes = modes();
            Map<String, List<Double>> rates = new LinkedHashMap<>();
            for (int round = 0; round <= rounds; round++) {
                List<Mode> order = new ArrayList<>(modes);
                if (round % 2 == 1) {
                    Collections.reverse(order);
                }
                StringBuilder line = new StringBuilder(round == 0 ? "warm-up" : "round " + round)
                        .append(" (load ").append(load()).append("):");
                Map<String, Double> roundRates = new LinkedHashMap<>();
                for (Mode mode : order) {
                    String device = mode.name() + "-" + round;
                    List<LogMessage> messages = messages(count, device);
                    double seconds;
                    try (Run run = mode.prepare(target, messages)) {
                        long start = System.nanoTime();
                        run.run();
                        seconds = (System.nanoTime() - start) / 1e9;
                    }
                    target.verify(device, count);
                    target.reset();
                    roundRates.put(mode.name(), count / seconds);
                }
                for (Mode mode : modes) {
                    double rate = roundRates.get(mode.name());
                    line.append(String.format(Locale.ROOT, " %s %.0f msg/s", mode.name(), rate));
                    if (round > 0) {
                        rates.computeIfAbsent(mode.name(), k -> new ArrayList<>()).add(rate);
                    }
                }
                System.out.println(line);
            }
            String reference = modes.get(0).name();
            List<Double> referenceRates = rates.get(reference);
            System.out.printf(Locale.ROOT, "%s, %d messages in batches of %d, %d rounds%n", target.describe(), count,
                    BATCH, rounds);
            for (Mode mode : modes) {
                List<Double> modeRates = rates.get(mode.name());
                List<Double> ratios = new ArrayList<>();
                for (int i = 0; i < modeRates.size(); i++) {
                    ratios.add(modeRates.get(i) / referenceRates.get(i));
                }
                System.out.printf(Locale.ROOT, "%-10s median %.0f msg/s [%.0f-%.0f], ratio to %s median %.2f [%.2f-%.2f]%n",
                        mode.name(), percentile(modeRates, 50), Collections.min(modeRates), Collections.max(modeRates),
                        reference, percentile(ratios, 50), Collections.min(ratios), Collections.max(ratios));
            }
            paired(target, count, rounds);
        }
    }

    /**
     * The sink against the plain loop batch by batch in turn (which goes first alternates), each
     * delivery timed on its own: on a machine shared with other builds both sides then see the
     * same load, which whole runs one after the other do not. Prints each round's ratio of the
     * summed times and, at the end, their median [min-max].
     */
    static void paired(ForwardTarget target, int count, int rounds) throws Exception {
        List<Double> ratios = new ArrayList<>();
        for (int round = 0; round <= rounds; round++) {
            List<List<LogMessage>> plainBatches = batches(messages(count, "paired-plain-" + round));
            List<List<LogMessage>> sinkBatches = batches(messages(count, "paired-sink-" + round));
            ForwardTarget.PlainLoop plain = target.plainLoop();
            long plainNanos = 0;
            long sinkNanos = 0;
            try (ForwardSink sink = target.newSink()) {
                for (int i = 0; i < plainBatches.size(); i++) {
                    for (int side = 0; side < 2; side++) {
                        boolean plainTurn = (i + side) % 2 == 0;
                        long start = System.nanoTime();
                        if (plainTurn) {
                            plain.deliver(plainBatches.get(i));
                            plainNanos += System.nanoTime() - start;
                        } else {
                            sink.deliver(sinkBatches.get(i));
                            sinkNanos += System.nanoTime() - start;
                        }
                    }
                }
            }
            target.verify("paired-plain-" + round, count);
            target.verify("paired-sink-" + round, count);
            target.reset();
            double ratio = (double) plainNanos / sinkNanos; // rate ratio: sink rate / plain rate
            System.out.printf(Locale.ROOT, "paired %s (load %s): plain %.0f msg/s sink %.0f msg/s, ratio %.2f%n",
                    round == 0 ? "warm-up" : "round " + round, load(), count / (plainNanos / 1e9),
                    count / (sinkNanos / 1e9), ratio);
            if (round > 0) {
                ratios.add(ratio);
            }
        }
        System.out.printf(Locale.ROOT, "paired, %d rounds: sink/plain ratio median %.2f [%.2f-%.2f]%n", rounds,
                percentile(ratios, 50), Collections.min(ratios), Collections.max(ratios));
    }

    /** The modes, the reference first. */
    static List<Mode> modes() {
        List<Mode> modes = new ArrayList<>();
        modes.add(new Mode() {
            @Override
            public String name() {
                return "plain";
            }

            @Override
            public Run prepare(ForwardTarget target, List<LogMessage> messages) {
                ForwardTarget.PlainLoop plain = target.plainLoop();
                return () -> {
                    for (List<LogMessage> batch : batches(messages)) {
                        plain.deliver(batch);
                    }
                };
            }
        });
        modes.add(new Mode() {
            @Override
            public String name() {
                return "sink";
            }

            @Override
            public Run prepare(ForwardTarget target, List<LogMessage> messages) {
                // Made outside the clock, like the plain loop's client: a forwarder keeps its sink.
                ForwardSink sink = target.newSink();
                return () -> {
                    try (sink) {
                        for (List<LogMessage> batch : batches(messages)) {
                            sink.deliver(batch);
                        }
                    }
                };
            }
        });
        modes.add(new ForwarderMode());
        return modes;
    }

    /** A {@link io.containerlogging.forward.Forwarder} catching up from a {@link StoredBacklog}. */
    static final class ForwarderMode implements Mode {
        @Override
        public String name() {
            return "forwarder";
        }

        @Override
        public Run prepare(ForwardTarget target, List<LogMessage> messages) throws Exception {
            StoredBacklog backlog = StoredBacklog.write(messages);
            return new Run() {
                @Override
                public void run() throws Exception {
                    backlog.forwardTo(target.newSink(), BATCH);
                }

                @Override
                public void close() throws Exception {
                    backlog.close();
                }
            };
        }
    }

    /** {@code count} sample messages of {@code device}, ids log-1.., as a device's local store holds them. */
    static List<LogMessage> messages(int count, String device) {
        List<LogMessage> messages = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            messages.add(SampleMessages.message(i).toBuilder().id(LogId.format(i + 1L)).deviceId(device).build());
        }
        return messages;
    }

    static List<List<LogMessage>> batches(List<LogMessage> messages) {
        List<List<LogMessage>> batches = new ArrayList<>();
        for (int from = 0; from < messages.size(); from += BATCH) {
            batches.add(messages.subList(from, Math.min(from + BATCH, messages.size())));
        }
        return batches;
    }

    private static String load() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    static double percentile(List<Double> values, int percent) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        double index = (sorted.size() - 1) * percent / 100.0;
        int low = (int) Math.floor(index);
        int high = (int) Math.ceil(index);
        return sorted.get(low) + (sorted.get(high) - sorted.get(low)) * (index - low);
    }
}

package io.containerlogging.benchmarks;

import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogSource;
import io.containerlogging.core.structure.RedactionRule;
import io.containerlogging.core.structure.StructureOptions;
import io.containerlogging.core.structure.StructureStage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongUnaryOperator;

/**
 * The variants of {@link StructureBenchmark} timed as plain loops over the {@link StructureSamples}
 * mix, interleaved round by round, reporting the minimum and the median ns per line over the rounds.
 * For a machine shared with other work, where JMH's averages drown in other processes' noise: the
 * minimum of many rounds is the stage's own cost, the median what it costs on the busy machine.
 *
 * <p>Run: {@code java -Xmx1g -cp benchmarks/target/benchmarks.jar io.containerlogging.benchmarks.StructureCost [rounds [linesPerRound]]}
 */
public final class StructureCost {

    private static final LogSource SOURCE = LogSource.container("bench");
    private static long consumed;

    private StructureCost() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int lines = args.length > 1 ? Integer.parseInt(args[1]) : 500_000;
        String[] mix = StructureSamples.LINES.toArray(new String[0]);
        Map<String, LongUnaryOperator> variants = new LinkedHashMap<>();
        variants.put("message", n -> run(n, mix, null, null));
        variants.put("stageOff", n -> run(n, mix, new StructureStage(StructureOptions.off()), null));
        variants.put("levels", n -> run(n, mix, new StructureStage(StructureOptions.builder().fields(false)
                .multiline(false).build()), null));
        variants.put("fieldsAndLevels", n -> run(n, mix, new StructureStage(StructureOptions.builder()
                .multiline(false).build()), null));
        variants.put("grouper", n -> group(n, mix, new StructureStage(StructureOptions.defaults()), false));
        variants.put("defaults", n -> group(n, mix, new StructureStage(StructureOptions.defaults()), true));
        variants.put("defaultsRedacting", n -> group(n, mix, new StructureStage(StructureOptions.builder()
                .redaction(RedactionRule.BUILT_IN).build()), true));
        Map<String, List<Double>> results = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            for (Map.Entry<String, LongUnaryOperator> variant : variants.entrySet()) {
                long start = System.nanoTime();
                variant.getValue().applyAsLong(lines);
                double perLine = (double) (System.nanoTime() - start) / lines;
                if (round >= rounds / 5) { // the first fifth warms up
                    results.computeIfAbsent(variant.getKey(), k -> new ArrayList<>()).add(perLine);
                }
            }
        }
        results.forEach((name, values) -> {
            Collections.sort(values);
            System.out.printf("cost %-18s min=%7.1f ns/line median=%7.1f ns/line n=%d%n", name, values.get(0),
                    values.get(values.size() / 2), values.size());
        });
        System.out.println("(consumed " + consumed + ")");
    }

    private static long run(long n, String[] mix, StructureStage stage, Object unused) {
        Instant time = Instant.parse("2024-01-15T10:00:00Z");
        long sum = 0;
        for (long i = 0; i < n; i++) {
            time = time.plusNanos(1_000);
            LogMessage message = message(time, mix[(int) (i % mix.length)]);
            sum += (stage == null ? message : stage.apply(message)).level().ordinal();
        }
        consumed += sum;
        return sum;
    }

    private static long group(long n, String[] mix, StructureStage stage, boolean apply) {
        long[] sum = {0};
        StructureStage.Grouper grouper = stage.grouper("bench", (timestamp, text, count) -> {
            sum[0] += apply ? stage.apply(message(timestamp, text)).level().ordinal() : text.length();
        });
        Instant time = Instant.parse("2024-01-15T10:00:00Z");
        for (long i = 0; i < n; i++) {
            time = time.plusNanos(1_000);
            grouper.add(time, mix[(int) (i % mix.length)], i);
        }
        grouper.flush();
        consumed += sum[0];
        return sum[0];
    }

    private static LogMessage message(Instant timestamp, String text) {
        return new LogMessage(null, text, timestamp, LogLevel.INFO, SOURCE, null, "bench", "c1", false, false, null);
    }
}

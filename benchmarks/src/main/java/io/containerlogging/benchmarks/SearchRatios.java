package io.containerlogging.benchmarks;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * {@link SearchBenchmark}'s ratios measured paired instead of in turn: each call of a filter query
 * is timed between two calls of the {@code indexOf} reference, and its ratio is taken to their
 * mean. On a machine shared with other builds, where load changes from one JMH benchmark to the
 * next, this keeps both sides of each ratio under the same load. Prints, per query, the median
 * ratio and its 10th-90th percentile spread over the measured cycles.
 *
 * <p>Run: {@code java -Xmx2g -cp benchmarks/target/benchmarks.jar io.containerlogging.benchmarks.SearchRatios [cycles]}
 */
public final class SearchRatios {

    private SearchRatios() {
    }

    public static void main(String[] args) throws IOException {
        int cycles = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int warmup = 5;
        SearchBenchmark bench = new SearchBenchmark();
        bench.setUp();
        try {
            Map<String, IntSupplier> queries = new LinkedHashMap<>();
            queries.put("searchSmartCase", () -> bench.searchSmartCase().size());
            queries.put("searchExact", () -> bench.searchExact().size());
            queries.put("regexWithLiteral", () -> bench.regexWithLiteral().size());
            queries.put("regexNoLiteral", () -> bench.regexNoLiteral().size());
            // The ring's first search also computes every message's text sketch (cold JIT too).
            System.out.printf("first search of the ring %.1f ms, second %.1f ms%n",
                    bench.firstSearchNanos / 1e6, bench.secondSearchNanos / 1e6);
            Map<String, List<Double>> ratios = new LinkedHashMap<>();
            List<Double> referenceMillis = new ArrayList<>();
            long sink = 0;
            for (int cycle = 0; cycle < warmup + cycles; cycle++) {
                long before = time(bench::indexOfReference);
                for (Map.Entry<String, IntSupplier> query : queries.entrySet()) {
                    long took = time(query.getValue());
                    long after = time(bench::indexOfReference);
                    if (cycle >= warmup) {
                        ratios.computeIfAbsent(query.getKey(), k -> new ArrayList<>())
                                .add(took / ((before + after) / 2.0));
                        referenceMillis.add(after / 1e6);
                    }
                    before = after;
                    sink += took;
                }
            }
            System.out.printf("indexOf reference: median %.1f ms over %d cycles (load %s)%n",
                    percentile(referenceMillis, 50), cycles, load());
            ratios.forEach((name, values) -> System.out.printf("%-17s median %.2fx [p10 %.2f - p90 %.2f]%n", name,
                    percentile(values, 50), percentile(values, 10), percentile(values, 90)));
            if (sink == 42) {
                System.out.println();
            }
        } finally {
            bench.tearDown();
        }
    }

    private static long time(IntSupplier call) {
        long start = System.nanoTime();
        int result = call.getAsInt();
        long took = System.nanoTime() - start;
        if (result < 0) {
            throw new AssertionError();
        }
        return took;
    }

    private static double percentile(List<Double> values, int percent) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        int index = (int) Math.round((sorted.length - 1) * percent / 100.0);
        return sorted[index];
    }

    private static String load() {
        try {
            return new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/loadavg"))).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }
}

package io.containerlogging.benchmarks;

import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.local.LocalLogBackend;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The filter language over 1M stored 100-character messages with no other filter (issue 15):
 * {@code getLogs} with {@code search} or {@code regex} through the local backend, against the
 * reference, a plain {@link String#indexOf(String)} loop over the same strings, measured in the
 * same run. Goals: {@code search} within 2x of the reference, {@code regex} within 5x. No
 * message matches, so every query scans all 1M texts and returns nothing: the cost is the scan.
 *
 * <ul>
 *   <li>{@code indexOfReference}: {@code text.indexOf("timeout")} over the 1M texts.
 *   <li>{@code searchSmartCase}: {@code search=timeout} (no upper case: ignoring case).
 *   <li>{@code searchExact}: {@code search=Timeout} (exact).
 *   <li>{@code regexWithLiteral}: {@code regex=(?i)timed? ?out} (required literal "time", under (?i)).
 *   <li>{@code regexNoLiteral}: {@code regex=\d{4}ms}: no literal to pre-filter with, so RE2/J runs on
 *       every message; the worst case.
 * </ul>
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar SearchBenchmark -f 1 -wi 2 -w 1 -i 3 -r 1},
 * or {@code ROUNDS=5 bash scripts/bench/search.sh} for the ratios, round by round.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class SearchBenchmark {

    private static final int STORED = 1_000_000;

    private LocalLogBackend backend;
    private String[] texts;
    private LogQuery searchSmartCase;
    long firstSearchNanos;
    long secondSearchNanos;
    private LogQuery searchExact;
    private LogQuery regexWithLiteral;
    private LogQuery regexNoLiteral;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        backend = LocalLogBackend.builder().maxLogs(STORED).build();
        backend.initialize();
        texts = new String[STORED];
        for (int i = 0; i < STORED; i++) {
            // The reference scans the very strings the backend stores.
            texts[i] = backend.log(SampleMessages.message(i)).message();
        }
        searchSmartCase = LogQuery.builder().search("timeout").build();
        searchExact = LogQuery.builder().search("Timeout").build();
        regexWithLiteral = LogQuery.builder().regex("(?i)timed? ?out").build();
        regexNoLiteral = LogQuery.builder().regex("\\d{4}ms").build();
        // The ring's first search also computes every message's text sketch: SearchRatios prints it.
        long start = System.nanoTime();
        backend.getLogs(searchSmartCase);
        firstSearchNanos = System.nanoTime() - start;
        start = System.nanoTime();
        backend.getLogs(searchSmartCase);
        secondSearchNanos = System.nanoTime() - start;
        for (LogQuery query : List.of(searchSmartCase, searchExact, regexWithLiteral, regexNoLiteral)) {
            if (!backend.getLogs(query).isEmpty() || indexOfReference() != 0) {
                throw new IllegalStateException("fixture broken: " + query + " should match nothing");
            }
        }
        if (backend.count(LogQuery.builder().search("mozilla").build()) != STORED
                || backend.count(LogQuery.builder().regex("(?i)\\d+ms user-AGENT").build()) != STORED) {
            throw new IllegalStateException("fixture broken: every message should match");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        backend.close();
    }

    @Benchmark
    public int indexOfReference() {
        int hits = 0;
        for (String text : texts) {
            if (text.indexOf("timeout") >= 0) {
                hits++;
            }
        }
        return hits;
    }

    @Benchmark
    public List<LogMessage> searchSmartCase() {
        return backend.getLogs(searchSmartCase);
    }

    @Benchmark
    public List<LogMessage> searchExact() {
        return backend.getLogs(searchExact);
    }

    @Benchmark
    public List<LogMessage> regexWithLiteral() {
        return backend.getLogs(regexWithLiteral);
    }

    @Benchmark
    public List<LogMessage> regexNoLiteral() {
        return backend.getLogs(regexNoLiteral);
    }
}

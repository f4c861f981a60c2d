package io.containerlogging.benchmarks;

import io.containerlogging.core.LogQuery;
import io.containerlogging.local.LocalLogBackend;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A query filtered by time alone ("the last minute"), which no name index can serve: {@code
 * count(since)} over 1M stored messages (timestamps a microsecond apart) where the newest
 * {@code window} match. Before the time index, every such query walked all 1M; with it, the walk
 * stops where the running maximum of timestamps falls below {@code since}.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar SinceQueryBenchmark -f 2 -wi 3 -w 1 -i 5 -r 1}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 2, jvmArgsAppend = "-Xmx2g")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SinceQueryBenchmark {

    private static final int STORED = 1_000_000;

    @Param({"1000", "100000"})
    public int window;

    private LocalLogBackend backend;
    private LogQuery query;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        backend = LocalLogBackend.builder().maxLogs(STORED).build();
        backend.initialize();
        for (int i = 0; i < STORED; i++) {
            backend.log(SampleMessages.message(i));
        }
        query = LogQuery.builder().since(SampleMessages.message(STORED - window).timestamp()).build();
        if (backend.count(query) != window) {
            throw new IllegalStateException("fixture broken: expected " + window + " matches");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        backend.close();
    }

    @Benchmark
    public long countSince() {
        return backend.count(query);
    }
}

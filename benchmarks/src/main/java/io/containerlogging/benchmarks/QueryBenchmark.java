package io.containerlogging.benchmarks;

import io.containerlogging.core.LogLevel;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Target 4: {@code getLogs} with {@code serviceName} + {@code level} + {@code limit 100} over 1M
 * stored messages of 50 services. Goal: at most 1 ms median. {@code level=error} is the rare
 * level (5% of lines, so ~2 000 index entries are visited for 100 hits); {@code info} the common
 * one. The service name changes on every call so no query repeats the one before.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar QueryBenchmark -f 3 -wi 3 -i 5}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 3, jvmArgsAppend = "-Xmx2g")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class QueryBenchmark {

    private static final int STORED = 1_000_000;

    @Param({"error", "info"})
    public String level;

    private LocalLogBackend backend;
    private LogQuery[] queries;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        backend = LocalLogBackend.builder().maxLogs(STORED).build();
        backend.initialize();
        for (int i = 0; i < STORED; i++) {
            backend.log(SampleMessages.message(i));
        }
        queries = new LogQuery[SampleMessages.SERVICES];
        for (int i = 0; i < queries.length; i++) {
            queries[i] = LogQuery.builder().serviceName(SampleMessages.serviceName(i))
                    .level(LogLevel.fromWireName(level)).limit(100).build();
        }
        if (backend.getLogs(queries[0]).size() != 100) {
            throw new IllegalStateException("fixture broken: expected 100 hits");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        backend.close();
    }

    @Benchmark
    public List<LogMessage> serviceLevelLimit100() {
        next = (next + 1) % queries.length;
        return backend.getLogs(queries[next]);
    }
}

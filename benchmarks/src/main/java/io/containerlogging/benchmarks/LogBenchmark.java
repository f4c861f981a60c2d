package io.containerlogging.benchmarks;

import io.containerlogging.core.LogMessage;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Target 2: {@link LocalLogBackend#log} with memory only (the default 10 000-message ring, so
 * every call also evicts), from one and from two threads. Goal: at least 5M messages/s on one
 * thread. The messages are made in advance, so their creation is not measured; the id string and
 * the stored copy are, as they are part of {@code log()}.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar LogBenchmark -f 3 -wi 3 -i 5}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 3, jvmArgsAppend = "-Xmx1g")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class LogBenchmark {

    private static final int MESSAGES = 1 << 16;

    private LocalLogBackend backend;
    private LogMessage[] messages;

    /** Per thread: where it is in the message array. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        messages = SampleMessages.messages(MESSAGES);
        backend = LocalLogBackend.builder().build();
        backend.initialize();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        backend.close();
    }

    @Benchmark
    @Threads(1)
    public LogMessage logOneThread(Cursor cursor) {
        return backend.log(messages[cursor.next++ & (MESSAGES - 1)]);
    }

    @Benchmark
    @Threads(2)
    public LogMessage logTwoThreads(Cursor cursor) {
        return backend.log(messages[cursor.next++ & (MESSAGES - 1)]);
    }
}

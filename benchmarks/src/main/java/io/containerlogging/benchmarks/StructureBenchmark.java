package io.containerlogging.benchmarks;

import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogSource;
import io.containerlogging.core.structure.RedactionRule;
import io.containerlogging.core.structure.StructureOptions;
import io.containerlogging.core.structure.StructureStage;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The cost per line of each part of the structure stage, on the {@link StructureSamples} mix (one
 * line per call, cycling through the mix): {@code message} builds the LogMessage the monitor builds
 * anyway (the reference); {@code stageOff} adds {@link StructureStage#apply} with everything off;
 * {@code levels} detects levels only; {@code fieldsAndLevels} parses JSON/logfmt and detects levels
 * (the defaults without grouping); {@code grouper} only groups; {@code defaults} is what the monitor
 * does by default (group, then parse and level each message); {@code defaultsRedacting} adds the
 * built-in redaction rules.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar StructureBenchmark -f 3 -wi 3 -i 5}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 3, jvmArgsAppend = "-Xmx1g")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class StructureBenchmark {

    private static final LogSource SOURCE = LogSource.container("bench");
    private static final String[] LINES = StructureSamples.LINES.toArray(new String[0]);

    private final StructureStage off = new StructureStage(StructureOptions.off());
    private final StructureStage levels = new StructureStage(StructureOptions.builder().fields(false).multiline(false)
            .build());
    private final StructureStage fieldsAndLevels = new StructureStage(StructureOptions.builder().multiline(false).build());
    private final StructureStage defaults = new StructureStage(StructureOptions.defaults());
    private final StructureStage redacting = new StructureStage(StructureOptions.builder()
            .redaction(RedactionRule.BUILT_IN).build());

    private StructureStage.Grouper grouperOnly;
    private StructureStage.Grouper grouperDefaults;
    private StructureStage.Grouper grouperRedacting;
    private Blackhole sink;
    private int next;
    private Instant time = Instant.parse("2024-01-15T10:00:00Z");

    @Setup
    public void setUp(Blackhole blackhole) {
        sink = blackhole;
        grouperOnly = defaults.grouper("bench", (timestamp, text, lines) -> sink.consume(text));
        grouperDefaults = defaults.grouper("bench", (timestamp, text, lines) -> sink.consume(defaults.apply(message(timestamp, text))));
        grouperRedacting = redacting.grouper("bench",
                (timestamp, text, lines) -> sink.consume(redacting.apply(message(timestamp, text))));
    }

    private String nextLine() {
        String line = LINES[next];
        next = next + 1 == LINES.length ? 0 : next + 1;
        time = time.plusNanos(1_000);
        return line;
    }

    private static LogMessage message(Instant timestamp, String text) {
        return new LogMessage(null, text, timestamp, LogLevel.INFO, SOURCE, null, "bench", "c1", false, false, null);
    }

    @Benchmark
    public LogMessage message() {
        return message(time, nextLine());
    }

    @Benchmark
    public LogMessage stageOff() {
        return off.apply(message(time, nextLine()));
    }

    @Benchmark
    public LogMessage levels() {
        return levels.apply(message(time, nextLine()));
    }

    @Benchmark
    public LogMessage fieldsAndLevels() {
        return fieldsAndLevels.apply(message(time, nextLine()));
    }

    @Benchmark
    public void grouper() {
        String line = nextLine();
        grouperOnly.add(time, line, 0);
    }

    @Benchmark
    public void defaults() {
        String line = nextLine();
        grouperDefaults.add(time, line, 0);
    }

    @Benchmark
    public void defaultsRedacting() {
        String line = nextLine();
        grouperRedacting.add(time, line, 0);
    }
}

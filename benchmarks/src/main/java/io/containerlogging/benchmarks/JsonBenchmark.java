package io.containerlogging.benchmarks;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonWriter;
import io.containerlogging.core.LogJson;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.internal.Utf8Buffer;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Target 8, for scale: one seed-shaped message encoded and decoded with {@link LogJson} (gson's
 * streaming API) vs reflection-based {@link Gson#toJson}/{@link Gson#fromJson} on an equivalent
 * plain object with the same JSON fields. Both write into and read from a String, one message per
 * call. {@code encodeUtf8Buffer} is {@link Utf8Buffer}, the byte encoder used on the hot
 * paths, into a fresh buffer; {@code decodeFromJson} is {@link LogJson#fromJson}, whose fast path
 * reads the form LogJson writes without a JsonReader ({@code decodeLogJson} is the gson path).
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar JsonBenchmark -f 3 -wi 3 -i 5}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 3, jvmArgsAppend = "-Xmx1g")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class JsonBenchmark {

    /** The reflection side's model: the fields of the wire format, as gson's users would write it. */
    static final class MessagePojo {
        String id;
        String message;
        long timestamp;
        String time;
        String level;
        String levelSource;
        SourcePojo source;
        Integer serviceId;
        String serviceName;
        String containerId;
        boolean isStdErr;
        boolean isSystem;
    }

    static final class SourcePojo {
        String type;
        String name;
    }

    // No HTML escaping, as LogJson: the two sides must produce the same bytes.
    private final Gson gson = new GsonBuilder().disableHtmlEscaping().create();
    private LogMessage message;
    private String json;
    private MessagePojo pojo;
    private String pojoJson;

    @Setup(Level.Trial)
    public void setUp() {
        message = SampleMessages.message(12_345).withId("log-12346");
        json = LogJson.toJson(message);
        pojo = gson.fromJson(json, MessagePojo.class);
        pojoJson = gson.toJson(pojo);
        if (pojoJson.length() != json.length()) {
            throw new IllegalStateException("the two sides encode different things:\n" + json + "\n" + pojoJson);
        }
    }

    @Benchmark
    public String encodeLogJson() throws IOException {
        StringWriter out = new StringWriter(512);
        LogJson.write(new JsonWriter(out), message);
        return out.toString();
    }

    /** The byte encoder the REST API and the file writer use (to UTF-8 bytes, not a String). */
    @Benchmark
    public Utf8Buffer encodeUtf8Buffer() {
        return new Utf8Buffer(512).write(message);
    }

    @Benchmark
    public String encodeGsonReflection() {
        return gson.toJson(pojo);
    }

    @Benchmark
    public LogMessage decodeLogJson() throws IOException {
        return LogJson.read(new JsonReader(new StringReader(json)));
    }

    /** {@link LogJson#fromJson}: the fast path for the form LogJson writes, used by reload. */
    @Benchmark
    public LogMessage decodeFromJson() {
        return LogJson.fromJson(json);
    }

    @Benchmark
    public MessagePojo decodeGsonReflection() {
        return gson.fromJson(pojoJson, MessagePojo.class);
    }
}

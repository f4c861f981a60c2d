package io.containerlogging.forward.kafka;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Assumptions;

/**
 * A real single-node KRaft broker (broker and controller in one) in a child JVM, started through
 * Kafka's public entry points: {@code kafka.tools.StorageTool format}, then {@code kafka.Kafka} with
 * a generated {@code server.properties}. A child JVM keeps the broker's ~90 threads and ~400 MB out
 * of the test JVM, and can be stopped for real (SIGTERM) and started again on the same ports and
 * data directory.
 *
 * <p>The child's class path is, first found: the system property {@value #CLASSPATH_PROPERTY}; the
 * resource {@value #CLASSPATH_RESOURCE} next to this class, which this module's build writes (its test
 * class path, with kafka_2.13 and kafka-server), used when every jar it names exists; this JVM's
 * {@code java.class.path}, which holds the test class path under Surefire too (Surefire sets it to
 * the real class path even when it starts the fork through a manifest-only jar). The resource lets a
 * module that has only this module's test-jar (the example server's end-to-end tests) start a broker
 * without the broker's jars, and their versions, on its own class path.
 *
 * <p>Public, and published in this module's test-jar, for the example server's end-to-end tests.
 *
 * <p>Run as a main ({@code KafkaBroker <file>}), it starts a broker, writes
 * {@code host:port} to the file and runs until it is terminated: the Kafka benchmark script uses it.
 */
public final class KafkaBroker implements AutoCloseable {

    /** {@code true} (set by {@code .ci/run}): a broker that cannot start fails the tests instead of skipping them. */
    public static final String REQUIRED_PROPERTY = "kafka.required";
    /** Overrides the child JVM's class path. */
    public static final String CLASSPATH_PROPERTY = "kafka.broker.classpath";

    /** The broker class path this module's build wrote, next to this class. */
    static final String CLASSPATH_RESOURCE = "broker.classpath";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Path dir;
    private final int brokerPort;
    private final int controllerPort;
    private final String classPath;
    private Process process;

    private KafkaBroker(Path dir, int brokerPort, int controllerPort, String classPath) {
        this.dir = dir;
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
        this.classPath = classPath;
    }

    /**
     * What a test does when the broker did not start: fails if {@value #REQUIRED_PROPERTY} is true,
     * otherwise skips (aborts) the calling test saying why.
     */
    public static void skipUnlessRequired(Exception whyNot) {
        if (Boolean.getBoolean(REQUIRED_PROPERTY)) {
            throw new IllegalStateException("a Kafka broker is required (-D" + REQUIRED_PROPERTY
                    + "=true) but did not start: " + whyNot.getMessage(), whyNot);
        }
        Assumptions.abort("skipped: no Kafka broker could be started (" + whyNot.getMessage()
                + "); -D" + REQUIRED_PROPERTY + "=true makes this a failure");
    }

    /** Formats a new data directory and starts a broker on free ports. */
    public static KafkaBroker start() throws IOException {
        String classPath = brokerClassPath();
        Path dir = Files.createTempDirectory("kafka-broker-");
        KafkaBroker broker = new KafkaBroker(dir, freePort(), freePort(), classPath);
        try {
            broker.writeProperties();
            broker.format();
            broker.startProcess();
            return broker;
        } catch (IOException | RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    /** {@code 127.0.0.1:port} of the broker's listener. */
    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    /** Stops the broker process with SIGTERM (a graceful shutdown) and waits until it has exited. */
    public void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** Starts the broker again after {@link #stop()}, on the same ports and data directory. */
    public void restart() throws IOException {
        if (process != null) {
            throw new IllegalStateException("the broker is running");
        }
        startProcess();
    }

    /** True while the broker's process is alive. */
    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Stops the broker and deletes its data directory. */
    @Override
    public void close() {
        stop();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeProperties() throws IOException {
        String properties = String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.bootstrap.servers=127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + brokerPort,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                "log.dirs=" + dir.resolve("data"),
                "num.partitions=1",
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                // Fewer threads than the defaults (3 network, 8 I/O): the tests share 2 cores.
                "num.network.threads=2",
                "num.io.threads=2",
                "");
        Files.writeString(dir.resolve("server.properties"), properties, StandardCharsets.UTF_8);
    }

    private void format() throws IOException {
        Process format = java("kafka.tools.StorageTool", "format", "--standalone",
                "-t", Uuid.randomUuid().toString(), "-c", dir.resolve("server.properties").toString())
                .redirectOutput(dir.resolve("format.log").toFile())
                .start();
        try {
            if (!format.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                format.destroyForcibly();
                throw new IOException("kafka StorageTool format did not finish in " + START_TIMEOUT);
            }
        } catch (InterruptedException e) {
            format.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (format.exitValue() != 0) {
            throw new IOException("kafka StorageTool format exited with " + format.exitValue() + ": "
                    + tail(dir.resolve("format.log")));
        }
    }

    private void startProcess() throws IOException {
        Path log = dir.resolve("broker.log");
        process = java("kafka.Kafka", dir.resolve("server.properties").toString())
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200))) {
            while (true) {
                if (!process.isAlive()) {
                    int exit = process.exitValue();
                    process = null;
                    throw new IOException("the broker exited with " + exit + ": " + tail(log));
                }
                try {
                    admin.describeCluster(new DescribeClusterOptions().timeoutMs(2_000)).nodes().get();
                    return;
                } catch (Exception notYet) {
                    if (notYet instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                        stop();
                        throw new IOException("interrupted", notYet);
                    }
                    if (System.nanoTime() > deadline) {
                        stop();
                        throw new IOException("the broker did not answer within " + START_TIMEOUT + ": " + tail(log));
                    }
                }
            }
        }
    }

    private ProcessBuilder java(String mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", classPath, mainClass));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).directory(dir.toFile());
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static String brokerClassPath() throws IOException {
        String configured = System.getProperty(CLASSPATH_PROPERTY);
        if (configured != null) {
            return configured;
        }
        try (InputStream in = KafkaBroker.class.getResourceAsStream(CLASSPATH_RESOURCE)) {
            if (in != null) {
                String written = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
                // Written on the machine that built the test-jar: its jars may be elsewhere here.
                boolean present = !written.isEmpty() && Stream.of(written.split(File.pathSeparator))
                        .allMatch(entry -> Files.exists(Paths.get(entry)));
                if (present) {
                    return written;
                }
            }
        }
        return System.getProperty("java.class.path");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Starts a broker, writes its {@code host:port} to {@code args[0]} and runs until terminated. */
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: KafkaBroker <file to write host:port to>");
            System.exit(2);
        }
        KafkaBroker broker = start();
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "kafka-broker-stop"));
        Path file = Paths.get(args[0]);
        Path partial = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(partial, broker.bootstrapServers(), StandardCharsets.UTF_8);
        Files.move(partial, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Thread.currentThread().join();
    }
}

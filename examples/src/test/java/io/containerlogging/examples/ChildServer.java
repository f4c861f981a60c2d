package io.containerlogging.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The example server in a child JVM, as a device runs it: a {@code kill -9} of it must not take
 * the test with it. Started with the test's classpath and the given environment; ready once it
 * answers {@code /api/v1/logs/count}.
 */
final class ChildServer implements AutoCloseable {

    private final Process process;
    final int port;

    private ChildServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts it on {@code port} (HOST 127.0.0.1) with {@code env} added, its output to {@code out}.
     */
    static ChildServer start(int port, Map<String, String> env, Path out) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), ExampleServer.class.getName())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile());
        builder.environment().put("PORT", Integer.toString(port));
        builder.environment().put("HOST", "127.0.0.1");
        builder.environment().putAll(env);
        Process process = builder.start();
        ChildServer server = new ChildServer(process, port);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            assertThat(process.isAlive()).as("server on port %d is running (output in %s)", port, out).isTrue();
            try {
                HttpURLConnection connection = (HttpURLConnection) new URL("http://127.0.0.1:" + port
                        + "/api/v1/logs/count").openConnection();
                return connection.getResponseCode() == 200;
            } catch (IOException notYet) {
                return false;
            }
        });
        return server;
    }

    /** A port free now. */
    static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }

    /** The body of a GET of {@code path}. */
    String get(String path) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) new URL("http://127.0.0.1:" + port + path).openConnection();
        try (InputStream in = connection.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** {@code kill -9}: no shutdown hook, no flush, no cursor saved at close. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    /**
     * The exit code once it ended: 0 after a clean {@link #close()} (the server stops itself on
     * SIGTERM), 137 when it had to be killed.
     */
    int exitValue() {
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy(); // SIGTERM: the server closes cleanly
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}

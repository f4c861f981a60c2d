package io.containerlogging.forward.syslog;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real rsyslogd (Debian's {@code rsyslog} package; {@code rsyslog-gnutls} for TLS) with a config
 * of its own in a temporary directory: imtcp on 127.0.0.1 at a port the OS picks (kept across
 * {@link #stop()} and {@link #start()}), octet-counted framing, control characters kept as
 * received, messages up to {@value #MAX_MESSAGE_SIZE}, and every received message written as one
 * JSON object per line (PRI, timestamp, hostname, app-name, procid, msgid, structured data, msg),
 * which {@link #received()} reads back.
 *
 * <p>{@link #assumeInstalled()} skips a test when rsyslogd is not installed, or fails it when the
 * system property {@value #REQUIRED_PROPERTY} is true (set by {@code .ci/run}).
 *
 * <p>Public, and published in this module's test-jar, for the example server's end-to-end tests.
 */
public final class RsyslogServer implements AutoCloseable {

    /** The system property that turns "rsyslogd not installed" from a skip into a failure. */
    public static final String REQUIRED_PROPERTY = "syslog.required";

    static final String MAX_MESSAGE_SIZE = "1m";

    private static final Duration READY = Duration.ofSeconds(15);

    private final Path dir;
    private final Tls tls;
    private int port;
    private Process process;

    /** The server's TLS files (PEM). */
    public record Tls(Path caFile, Path certFile, Path keyFile) {
    }

    /** One message as rsyslog parsed and wrote it. */
    public record Received(int pri, String timestamp, String hostname, String appName, String procId, String msgId,
            String structuredData, String msg) {
    }

    private RsyslogServer(Path dir, Tls tls) {
        this.dir = dir;
        this.tls = tls;
    }

    /** Skips the calling test if rsyslogd is missing, or fails it when {@value #REQUIRED_PROPERTY} is true. */
    public static void assumeInstalled() {
        if (executable() != null) {
            return;
        }
        String why = "rsyslogd is not installed (apt-get install rsyslog rsyslog-gnutls)";
        if (Boolean.getBoolean(REQUIRED_PROPERTY)) {
            throw new AssertionError(REQUIRED_PROPERTY + "=true but " + why);
        }
        Assumptions.abort("rsyslog tests skipped: " + why);
    }

    /** Starts an rsyslogd receiving plain TCP. */
    public static RsyslogServer tcp() throws IOException {
        return started(null);
    }

    /** Starts an rsyslogd receiving TLS (gtls driver) with the given server certificate. */
    public static RsyslogServer tls(Tls files) throws IOException {
        return started(files);
    }

    private static RsyslogServer started(Tls tls) throws IOException {
        RsyslogServer server = new RsyslogServer(Files.createTempDirectory("rsyslog-test"), tls);
        try {
            server.start();
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** The TCP port it listens on (127.0.0.1), the same after {@link #stop()} and {@link #start()}. */
    public int port() {
        return port;
    }

    Path directory() {
        return dir;
    }

    /** Starts rsyslogd (again: on the same port) and waits until it listens. */
    public synchronized void start() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("rsyslogd is running");
        }
        Path portFile = dir.resolve("port");
        Files.deleteIfExists(portFile);
        Path conf = dir.resolve("rsyslog.conf");
        Files.writeString(conf, config(portFile));
        Path log = dir.resolve("rsyslogd.log");
        process = new ProcessBuilder(executable().toString(), "-n", "-f", conf.toString(),
                "-i", dir.resolve("rsyslogd.pid").toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        long deadline = System.nanoTime() + READY.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("rsyslogd exited with " + process.exitValue() + ": " + Files.readString(log));
            }
            if (port == 0 && Files.exists(portFile)) {
                String text = Files.readString(portFile).trim();
                if (!text.isEmpty()) {
                    port = Integer.parseInt(text);
                    return;
                }
            }
            // rsyslogd writes the port file only for port 0: on a restart, listening is seen by connecting
            if (port != 0 && accepts(port)) {
                return;
            }
            sleep(10);
        }
        process.destroyForcibly();
        throw new IOException("rsyslogd did not listen within " + READY + ": " + Files.readString(log));
    }

    /** Sends SIGTERM and waits until rsyslogd has written what it received and exited. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        process = null;
    }

    /** Every message written so far, in arrival order. */
    public List<Received> received() throws IOException {
        Path out = dir.resolve("received.json");
        if (!Files.exists(out)) {
            return List.of();
        }
        List<Received> result = new ArrayList<>();
        // only complete lines: rsyslogd may be writing the next one, cut anywhere (even inside a character)
        byte[] bytes = Files.readAllBytes(out);
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] != '\n') {
            end--;
        }
        String text = new String(bytes, 0, end, StandardCharsets.UTF_8);
        int start = 0;
        for (int nl = text.indexOf('\n'); nl >= 0; start = nl + 1, nl = text.indexOf('\n', start)) {
            JsonObject o = JsonParser.parseString(text.substring(start, nl)).getAsJsonObject();
            result.add(new Received(Integer.parseInt(o.get("pri").getAsString()), o.get("time").getAsString(),
                    o.get("host").getAsString(), o.get("app").getAsString(), o.get("procid").getAsString(),
                    o.get("msgid").getAsString(), o.get("sd").getAsString(), o.get("msg").getAsString()));
        }
        return result;
    }

    /** What rsyslogd printed about itself (errors, for a failing test's message). */
    public String log() throws IOException {
        Path log = dir.resolve("rsyslogd.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() throws IOException {
        stop();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private String config(Path portFile) {
        StringBuilder c = new StringBuilder();
        // escapeControlCharactersOnReceive off: a line's newlines and escapes arrive as sent;
        // the shutdown timeouts let a SIGTERM write everything already received
        c.append("global(workDirectory=\"").append(dir).append("\" maxMessageSize=\"").append(MAX_MESSAGE_SIZE)
                .append("\" parser.escapeControlCharactersOnReceive=\"off\"");
        if (tls != null) {
            c.append(" defaultNetstreamDriverCAFile=\"").append(tls.caFile())
                    .append("\" defaultNetstreamDriverCertFile=\"").append(tls.certFile())
                    .append("\" defaultNetstreamDriverKeyFile=\"").append(tls.keyFile()).append('"');
        }
        c.append(")\n");
        c.append("main_queue(queue.timeoutShutdown=\"10000\" queue.timeoutActionCompletion=\"10000\")\n");
        c.append("module(load=\"imtcp\"");
        if (tls != null) {
            c.append(" streamDriver.name=\"gtls\" streamDriver.mode=\"1\" streamDriver.authMode=\"anon\"");
        }
        c.append(")\n");
        c.append("input(type=\"imtcp\" address=\"127.0.0.1\" port=\"").append(port)
                .append("\" listenPortFileName=\"").append(portFile).append("\")\n");
        c.append("""
                template(name="received" type="list" option.jsonf="on") {
                  property(outname="pri" name="pri" format="jsonf")
                  property(outname="time" name="timereported" dateFormat="rfc3339" format="jsonf")
                  property(outname="host" name="hostname" format="jsonf")
                  property(outname="app" name="app-name" format="jsonf")
                  property(outname="procid" name="procid" format="jsonf")
                  property(outname="msgid" name="msgid" format="jsonf")
                  property(outname="sd" name="structured-data" format="jsonf")
                  property(outname="msg" name="msg" format="jsonf")
                }
                """);
        c.append("if $inputname == \"imtcp\" then { action(type=\"omfile\" file=\"").append(dir.resolve("received.json"))
                .append("\" template=\"received\") }\n");
        return c.toString();
    }

    private static Path executable() {
        String configured = System.getProperty("syslog.rsyslogd");
        if (configured != null) {
            Path p = Path.of(configured);
            return Files.isExecutable(p) ? p : null;
        }
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.add("/usr/sbin");
        dirs.add("/sbin");
        for (String d : dirs) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, "rsyslogd"))) {
                return Path.of(d, "rsyslogd");
            }
        }
        return null;
    }

    private static boolean accepts(int port) {
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for rsyslogd", e);
        }
    }
}

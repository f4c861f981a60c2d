package io.containerlogging.examples;

import com.github.dockerjava.api.DockerClient;
import io.containerlogging.core.CheckpointStore;
import io.containerlogging.core.LogBackend;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.docker.ContainerLogMonitor;
import io.containerlogging.docker.DockerClients;
import io.containerlogging.docker.DockerSocket;
import io.containerlogging.docker.FirstRead;
import io.containerlogging.http.LogHttpServer;
import io.containerlogging.local.LocalLogBackend;
import io.containerlogging.opensearch.OpenSearchLogBackend;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.PrintStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The bundled example server: a {@link LocalLogBackend} with file persistence (or, with
 * {@code LOG_BACKEND=opensearch}, an {@link OpenSearchLogBackend}, so that the server is the
 * central API of a fleet whose devices write to the same OpenSearch), a
 * {@link ContainerLogMonitor} that follows every container when Docker is reachable, and the REST
 * API on {@link LogHttpServer}. Configured by environment variables (see
 * {@link ExampleServerConfig}).
 *
 * <p>Run it with {@code java -jar examples/target/container-logging-example.jar}. SIGTERM or
 * Ctrl-C stops it cleanly: the HTTP server stops accepting, the monitor closes, the log files are
 * flushed.
 */
public final class ExampleServer implements AutoCloseable {

    private final ExampleServerConfig config;
    private final LogBackend backend;
    private final ScheduledExecutorService retention;
    private final DockerClient docker;
    private final ContainerLogMonitor monitor;
    private final LogHttpServer http;
    private final OperationsEndpoints operations;
    private final Forwarding forwarding;
    private boolean closed;

    private ExampleServer(ExampleServerConfig config, LogBackend backend, ScheduledExecutorService retention,
            DockerClient docker, ContainerLogMonitor monitor, LogHttpServer http, OperationsEndpoints operations,
            Forwarding forwarding) {
        this.config = config;
        this.backend = backend;
        this.retention = retention;
        this.docker = docker;
        this.monitor = monitor;
        this.http = http;
        this.operations = operations;
        this.forwarding = forwarding;
    }

    /**
     * Starts the server: backend (reloading earlier logs from the log directory), Docker if
     * configured and reachable, then HTTP(S). Progress, warnings and the address go to
     * {@code console}.
     *
     * <p>The example server owns its JVM, so it sets the JDK HTTP server's JVM-wide properties
     * first ({@link LogHttpServer#configureJdkServer()}); values given with {@code -D} win.
     *
     * @throws IOException if the log directory is unusable, the keystore cannot be read or the
     *     port cannot be bound
     * @throws IllegalStateException if Docker is required but cannot be reached
     */
    public static ExampleServer start(ExampleServerConfig config, PrintStream console) throws IOException {
        LogHttpServer.configureJdkServer();
        SSLContext ssl = config.tls() == null ? null : sslContext(config.tls());
        LogBackend backend = backend(config);
        ScheduledExecutorService retention = null;
        DockerClient docker = null;
        ContainerLogMonitor monitor = null;
        LogHttpServer http = null;
        OperationsEndpoints operations = null;
        Forwarding forwarding = null;
        try {
            try {
                backend.initialize();
            } catch (IOException e) {
                throw config.openSearch() != null ? e
                        : new IOException("LOG_DIR " + config.logDir() + ": " + e.getMessage(), e);
            }
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("host", config.host());
            settings.put("port", config.port());
            if (config.openSearch() == null) {
                settings.put("backend", "local");
                settings.put("logDir", config.logDir().toString());
                settings.put("maxLogs", config.maxLogs());
                settings.put("maxFileSize", config.storage().maxFileSize());
                if (config.storage().maxTotalSize() != LocalLogBackend.DEFAULT_MAX_TOTAL_SIZE) {
                    settings.put("maxTotalSize", config.storage().maxTotalSize());
                }
                if (!config.storage().retention().equals(io.containerlogging.local.RetentionPolicy.NONE)) {
                    settings.put("retention", config.storage().retention().toString());
                }
            } else {
                settings.put("backend", "opensearch");
                settings.put("opensearch", config.openSearch().urls().toString());
                settings.put("indexPrefix", config.openSearch().indexPrefix());
                retention = startRetention(backend, config.maxAge());
            }
            if (config.deviceId() != null) {
                settings.put("deviceId", config.deviceId());
            }
            settings.put("maxAge", config.maxAge().toString());
            settings.put("docker", config.docker().name().toLowerCase(java.util.Locale.ROOT));
            settings.put("auth", config.apiToken() != null);
            settings.put("tls", ssl != null);
            settings.put("multiline", config.structure().multiline());
            java.util.List<String> redaction = new java.util.ArrayList<>(config.structure().builtIn());
            redaction.addAll(config.structure().rules().keySet());
            settings.put("redact", redaction);
            settings.put("audit", config.operations().audit() && config.openSearch() == null);
            settings.put("metrics", config.operations().metrics());
            system(backend, "Example server starting " + settings, LogLevel.INFO);

            if (config.docker() != ExampleServerConfig.DockerMode.DISABLED) {
                String dockerHost = config.dockerHost() != null ? config.dockerHost() : "unix:///var/run/docker.sock";
                try {
                    // The engine's own socket where it can: docker-java, Jackson and httpclient5
                    // are then never loaded (about 27 MB resident less; docs/BENCHMARKS.md).
                    Optional<DockerSocket> socket = directSocket(config.dockerHost());
                    ContainerLogMonitor.Builder monitorBuilder;
                    if (socket.isPresent()) {
                        socket.get().ping();
                        monitorBuilder = ContainerLogMonitor.builder(socket.get(), backend);
                    } else {
                        docker = config.dockerHost() != null ? DockerClients.forHost(config.dockerHost())
                                : DockerClients.fromEnvironment();
                        docker.pingCmd().exec();
                        monitorBuilder = ContainerLogMonitor.builder(docker, backend);
                    }
                    monitor = monitorBuilder.lifecycleEvents(true)
                            .firstRead(FirstRead.window(config.maxAge()))
                            .structure(config.structure().toOptions()).build();
                    monitor.start();
                    console.println("Docker: connected to " + dockerHost + "; following "
                            + monitor.attachedContainers().size() + " running container(s) and every one started later");
                    system(backend, "Docker connected at " + dockerHost + ", attached to "
                            + monitor.attachedContainers().size() + " running container(s)", LogLevel.INFO);
                } catch (RuntimeException e) {
                    closeQuietly(monitor);
                    closeQuietly(docker);
                    monitor = null;
                    docker = null;
                    if (config.docker() == ExampleServerConfig.DockerMode.REQUIRED) {
                        throw new IllegalStateException("USE_REAL_DOCKER=true but Docker at " + dockerHost
                                + " cannot be reached: " + e.getMessage(), e);
                    }
                    console.println("Docker: not reachable at " + dockerHost + " (" + e.getMessage()
                            + "); running without container logs. Set USE_REAL_DOCKER=true to require it.");
                    system(backend, "Docker not reachable at " + dockerHost + "; running without container logs",
                            LogLevel.WARN);
                }
            } else {
                console.println("Docker: disabled (USE_REAL_DOCKER=false)");
                system(backend, "Docker disabled by USE_REAL_DOCKER=false", LogLevel.INFO);
            }

            LogHttpServer.Builder httpBuilder = LogHttpServer.builder(backend)
                    .host(config.host())
                    .port(config.port())
                    .viewer(true);
            if (monitor != null) {
                httpBuilder.attacher(monitor);
            }
            if (config.apiToken() != null) {
                httpBuilder.bearerToken(config.apiToken());
            }
            if (!config.allowedHosts().isEmpty()) {
                httpBuilder.allowedHosts(config.allowedHosts().toArray(String[]::new));
            }
            if (ssl != null) {
                httpBuilder.https(ssl);
            }
            if (backend instanceof LocalLogBackend local) {
                forwarding = Forwarding.start(config.forwarding(), local, httpBuilder);
            }
            operations = OperationsEndpoints.add(config, backend, monitor,
                    forwarding == null ? java.util.List.of() : forwarding.forwarders(), httpBuilder);
            try {
                http = httpBuilder.build(); // binds and starts serving
            } catch (java.io.UncheckedIOException e) {
                throw new IOException("cannot listen on " + config.host() + ":" + config.port()
                        + " (PORT/HOST): " + e.getCause().getMessage(), e.getCause());
            }

            if (config.apiToken() == null && !http.address().getAddress().isLoopbackAddress()) {
                console.println("WARNING: listening on " + config.host() + " without LOG_API_TOKEN: anyone who can"
                        + " reach this port can read every log and attach containers. Set LOG_API_TOKEN (and"
                        + " TLS_KEYSTORE) or HOST=127.0.0.1. Only loopback Host names"
                        + (config.allowedHosts().isEmpty() ? "" : " and ALLOWED_HOSTS") + " are served.");
                system(backend, "Listening on " + config.host() + " without LOG_API_TOKEN", LogLevel.WARN);
            }
            String base = (ssl != null ? "https://" : "http://")
                    + (config.host().equals("0.0.0.0") ? "localhost" : config.host()) + ":" + http.port();
            console.println("container-logging example server listening on " + base + " (logs in "
                    + (config.openSearch() == null ? config.logDir() : "OpenSearch " + config.openSearch().urls()
                            + ", indices " + config.openSearch().indexPrefix() + "-*") + ")");
            console.println("Try: curl \"" + base + "/api/v1/logs?limit=20\""
                    + (config.apiToken() != null ? " -H \"Authorization: Bearer $LOG_API_TOKEN\"" : ""));
            console.println("Log viewer: " + base + "/");
            if (config.operations().metrics()) {
                console.println("Metrics: " + base + "/metrics");
            }
            if (operations.audit() != null) {
                console.println("Audit trail: " + base + "/audit/api/v1/logs (files in "
                        + config.logDir().resolve("audit") + ")");
            }
            if (forwarding != null) {
                for (io.containerlogging.forward.Forwarder forwarder : forwarding.forwarders()) {
                    console.println("Forwarding: " + forwarder.status().sink() + " as '" + forwarder.name() + "'");
                }
                console.println("Forwarders: " + base + Forwarding.PATH);
            }
            system(backend, "Example server listening on " + base, LogLevel.INFO);
            // With durable reads, lines are served once flushed: flush now so that the first
            // request already sees how the server started.
            backend.flush();
            return new ExampleServer(config, backend, retention, docker, monitor, http, operations, forwarding);
        } catch (IOException | RuntimeException e) {
            closeQuietly(http);
            closeQuietly(operations);
            closeQuietly(forwarding);
            closeQuietly(monitor);
            closeQuietly(docker);
            if (retention != null) {
                retention.shutdownNow();
            }
            backend.close();
            throw e;
        }
    }

    /** An SSLContext with the key and certificate chain of a PKCS#12 keystore. */
    static SSLContext sslContext(ExampleServerConfig.Tls tls) throws IOException {
        char[] password = tls.password().toCharArray();
        try (InputStream in = Files.newInputStream(tls.keystore())) {
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(in, password);
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(keyStore, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IOException("cannot use TLS_KEYSTORE " + tls.keystore() + " (PKCS#12, TLS_KEYSTORE_PASSWORD): "
                    + e.getMessage(), e);
        }
    }

    private static LogBackend backend(ExampleServerConfig config) {
        ExampleServerConfig.OpenSearch openSearch = config.openSearch();
        if (openSearch == null) {
            return LocalLogBackend.builder()
                    .maxLogs(config.maxLogs())
                    .maxAge(config.maxAge())
                    .enableFilePersistence(true)
                    .logDir(config.logDir())
                    .deviceId(config.deviceId())
                    // Serve a line only once it is on the device: an SSE client resuming after a
                    // crash then sees every line once (costs up to a second of latency).
                    .durableReads(true)
                    .maxFileSize(config.storage().maxFileSize())
                    .maxTotalSize(config.storage().maxTotalSize())
                    .retention(config.storage().retention())
                    .build();
        }
        OpenSearchLogBackend.Builder builder = OpenSearchLogBackend.builder()
                .endpoints(openSearch.urls())
                .indexPrefix(openSearch.indexPrefix())
                .deviceId(config.deviceId())
                .checkpointRetention(config.maxAge());
        try {
            // The read checkpoints stay on the device, so a restart resumes each container where
            // OpenSearch's acknowledged copy ends.
            java.nio.file.Files.createDirectories(config.logDir());
            builder.checkpointStore(CheckpointStore.file(config.logDir().resolve("checkpoints.json")));
        } catch (java.io.IOException e) {
            System.err.println("warning: cannot create LOG_DIR " + config.logDir() + " (" + e.getMessage()
                    + "); read checkpoints are kept in memory only");
        }
        if (openSearch.username() != null) {
            builder.basicAuth(openSearch.username(), openSearch.password());
        }
        return builder.build();
    }

    /**
     * OpenSearch keeps what it is given: as the fleet's central server, this one applies
     * LOG_MAX_AGE to the whole index prefix, at start and then hourly.
     */
    private static ScheduledExecutorService startRetention(LogBackend backend, java.time.Duration maxAge) {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "container-logging-example-retention");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                long removed = backend.cleanup(maxAge);
                if (removed > 0) {
                    system(backend, "Retention removed " + removed + " messages older than " + maxAge, LogLevel.INFO);
                }
            } catch (RuntimeException e) {
                System.getLogger(ExampleServer.class.getName())
                        .log(System.Logger.Level.WARNING, "retention cleanup failed: " + e.getMessage());
            }
        }, 0, 1, TimeUnit.HOURS);
        return scheduler;
    }

    /** The port the REST API listens on. */
    public int port() {
        return http.port();
    }

    /** The backend, for embedding tests. */
    public LogBackend backend() {
        return backend;
    }

    /** The audit trail's backend, or null without one (LOG_AUDIT=off, or OpenSearch), for tests. */
    LogBackend auditBackend() {
        return operations.audit();
    }

    /** The settings this server runs with. */
    public ExampleServerConfig config() {
        return config;
    }

    /** Stops accepting requests, closes the monitor and flushes the log files. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        system(backend, "Example server shutting down", LogLevel.INFO);
        closeQuietly(http);
        closeQuietly(operations); // after the server: its last requests are still audited
        closeQuietly(monitor);
        closeQuietly(docker);
        closeQuietly(forwarding); // cursors saved; what is left is forwarded after the next start
        if (retention != null) {
            retention.shutdownNow();
        }
        backend.close();
    }

    /** The running forwarders (FORWARD_TO), for tests; empty without any. */
    java.util.List<io.containerlogging.forward.Forwarder> forwarders() {
        return forwarding == null ? java.util.List.of() : forwarding.forwarders();
    }

    private static void system(LogBackend backend, String message, LogLevel level) {
        backend.log(LogMessage.system(message, level, Instant.now()));
    }

    /**
     * The engine as a {@link DockerSocket}, or empty where a Docker client must reach it: TLS
     * ({@code DOCKER_TLS_VERIFY}), a Docker context, or an address other than unix and plain TCP.
     */
    private static Optional<DockerSocket> directSocket(String dockerHost) {
        if (dockerHost == null) {
            return DockerSocket.fromEnvironment();
        }
        String tls = System.getenv("DOCKER_TLS_VERIFY");
        return tls != null && !tls.isBlank() ? Optional.empty() : DockerSocket.of(dockerHost);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (Exception e) {
                System.getLogger(ExampleServer.class.getName())
                        .log(System.Logger.Level.WARNING, "while closing " + closeable, e);
            }
        }
    }

    /** Entry point: reads the environment, starts, and runs until SIGTERM or Ctrl-C. */
    public static void main(String[] args) throws InterruptedException {
        ExampleServerConfig config;
        try {
            config = ExampleServerConfig.fromEnvironment(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("container-logging example server: " + e.getMessage());
            System.exit(2);
            return;
        }
        ExampleServer server;
        try {
            server = start(config, System.out);
        } catch (IllegalArgumentException e) {
            // A setting only the start can judge, e.g. a FORWARD_TO URI its sink refuses.
            System.err.println("container-logging example server: " + e.getMessage());
            System.exit(2);
            return;
        } catch (IOException | RuntimeException e) {
            System.err.println("container-logging example server failed to start: " + e.getMessage());
            System.exit(1);
            return;
        }
        // SIGTERM and Ctrl-C end the wait below, so the server closes on the main thread and the
        // process exits 0 (a JVM ended by a signal alone exits 143/130). The hook still closes
        // the server on any other way out, e.g. System.exit from elsewhere; close() is idempotent.
        CountDownLatch stop = new CountDownLatch(1);
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> stop.countDown());
            } catch (IllegalArgumentException e) {
                // signal not available on this platform: the shutdown hook still closes cleanly
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "container-logging-example-shutdown"));
        stop.await();
        System.out.println("Shutting down...");
        server.close();
        System.exit(0);
    }
}

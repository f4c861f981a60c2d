package io.containerlogging.docker;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;

/**
 * A Docker engine reached over its unix socket or a plain TCP port with no Docker client library:
 * the monitor speaks the few Engine API calls it needs itself. Use it where memory counts (an idle
 * example server holds about 27 MB less resident than with docker-java, which is then never
 * loaded; docs/BENCHMARKS.md); use {@link DockerClients} for TLS engines, Docker contexts and
 * Windows named pipes.
 *
 * <pre>{@code
 * DockerSocket engine = DockerSocket.fromEnvironment().orElseThrow();
 * engine.ping();
 * try (ContainerLogMonitor monitor = ContainerLogMonitor.builder(engine, backend).build()) {
 *     monitor.start();
 * }
 * }</pre>
 *
 * <p>Holds no connection: every call opens its own. Immutable and thread-safe.
 */
public final class DockerSocket {

    /** The engine's address when {@code DOCKER_HOST} is not set. */
    public static final String DEFAULT_HOST = "unix:///var/run/docker.sock";

    /** How long a call waits for a connection to a TCP engine (as {@link DockerClients}' clients do). */
    public static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(5);

    private final String host;
    private final SocketLogStreams streams;

    private DockerSocket(String host, SocketLogStreams streams) {
        this.host = host;
        this.streams = streams;
    }

    /**
     * The engine the environment names: {@code DOCKER_HOST}, else {@link #DEFAULT_HOST}; empty if
     * that engine needs a Docker client instead ({@code DOCKER_TLS_VERIFY} or {@code DOCKER_CONTEXT}
     * set, or an address other than {@code unix://} and {@code tcp://}).
     *
     * @throws IllegalArgumentException if {@code DOCKER_HOST} is not a valid address
     */
    public static Optional<DockerSocket> fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    static Optional<DockerSocket> fromEnvironment(Map<String, String> environment) {
        if (isSet(environment.get("DOCKER_TLS_VERIFY")) || isSet(environment.get("DOCKER_CONTEXT"))) {
            return Optional.empty();
        }
        String host = environment.get("DOCKER_HOST");
        return of(isSet(host) ? host : DEFAULT_HOST);
    }

    /**
     * The engine at {@code dockerHost}, e.g. {@code unix:///var/run/docker.sock} or
     * {@code tcp://10.0.0.5:2375}; empty for an address this class cannot reach directly (see
     * {@link #fromEnvironment()}).
     *
     * @throws NullPointerException if {@code dockerHost} is null
     * @throws IllegalArgumentException if {@code dockerHost} is not a valid address
     */
    public static Optional<DockerSocket> of(String dockerHost) {
        Objects.requireNonNull(dockerHost, "dockerHost");
        URI uri;
        try {
            uri = new URI(dockerHost);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid Docker host '" + dockerHost + "': " + e.getMessage(), e);
        }
        SocketLogStreams streams = SocketLogStreams.forHost(uri, false, CONNECTION_TIMEOUT);
        return streams == null ? Optional.empty() : Optional.of(new DockerSocket(dockerHost, streams));
    }

    /** The address this engine was given as. */
    public String host() {
        return host;
    }

    /**
     * Asks the engine whether it is there ({@code GET /_ping}).
     *
     * @throws IllegalStateException if it cannot be reached or does not answer OK
     */
    public void ping() {
        try (LogStreams.Response response = streams.open("/_ping")) {
            if (response.status() != 200) {
                throw new IllegalStateException("the Docker engine at " + host + " answered its ping with HTTP "
                        + response.status());
            }
        } catch (IOException e) {
            throw DockerEngine.unreachable(e);
        }
    }

    SocketLogStreams streams() {
        return streams;
    }

    SocketEngine engine(ThreadFactory threads) {
        return new SocketEngine(streams, threads);
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }

    @Override
    public String toString() {
        return "DockerSocket[" + host + "]";
    }
}

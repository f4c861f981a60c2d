package io.containerlogging.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.time.Duration;
import java.util.Objects;

/**
 * Builds docker-java {@link DockerClient}s suited to log collection: the httpclient5 transport,
 * no pinned API version (works from Docker 20 to 29), a connection pool large enough for many
 * followed containers (each follow stream holds one connection for its whole life), and a connect
 * timeout so an unreachable TCP engine fails instead of hanging. No response timeout: follow
 * streams are silent for as long as their container is. Log streams of a unix-socket or plain-TCP
 * engine are read over a socket of their own rather than through docker-java (several times less
 * CPU for dockerd and us; see {@code SocketLogStreams}); TLS engines use docker-java's transport
 * for everything.
 *
 * <p>The caller owns the returned client and closes it after the monitors that use it.
 */
public final class DockerClients {

    /** Pool size of the clients built here: well above the containers a host usually follows. */
    public static final int DEFAULT_MAX_CONNECTIONS = 512;

    /** How long to wait for a connection to the engine. */
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(5);

    private DockerClients() {
    }

    /**
     * A client configured from the environment and {@code ~/.docker}: {@code DOCKER_HOST},
     * {@code DOCKER_TLS_VERIFY}, {@code DOCKER_CERT_PATH}, {@code DOCKER_CONTEXT}; the local unix
     * socket if none is set.
     */
    public static DockerClient fromEnvironment() {
        return create(DefaultDockerClientConfig.createDefaultConfigBuilder().build());
    }

    /**
     * A client for the engine at {@code dockerHost}, e.g. {@code unix:///var/run/docker.sock} or
     * {@code tcp://host:2375}; other settings come from the environment as in
     * {@link #fromEnvironment()}.
     *
     * @throws NullPointerException if {@code dockerHost} is null
     * @throws IllegalArgumentException if {@code dockerHost} is not a valid Docker host URI
     */
    public static DockerClient forHost(String dockerHost) {
        Objects.requireNonNull(dockerHost, "dockerHost");
        try {
            return create(DefaultDockerClientConfig.createDefaultConfigBuilder()
                    .withDockerHost(dockerHost).build());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("invalid Docker host '" + dockerHost + "': " + e.getMessage(), e);
        }
    }

    private static DockerClient create(DockerClientConfig config) {
        ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .maxConnections(DEFAULT_MAX_CONNECTIONS)
                .connectionTimeout(DEFAULT_CONNECTION_TIMEOUT)
                .build();
        LogStreams logStreams = SocketLogStreams.forHost(config.getDockerHost(), config.getSSLConfig() != null,
                DEFAULT_CONNECTION_TIMEOUT);
        return DockerClientImpl.getInstance(config, new DockerTransport(http, logStreams));
    }
}

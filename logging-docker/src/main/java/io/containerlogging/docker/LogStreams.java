package io.containerlogging.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.transport.DockerHttpClient;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Opens the Engine API's {@code GET /containers/{id}/logs} streams. Two ways: docker-java's raw
 * transport (works with any client, TLS included), or {@link SocketLogStreams}, a direct socket
 * that reads the stream at a fraction of the cost, used for the plain unix and TCP engines that
 * {@link DockerClients} connects to.
 */
interface LogStreams {

    /**
     * Sends {@code GET path} and returns once the response head has arrived.
     *
     * @throws IOException if the engine cannot be reached or the response is not HTTP
     */
    default Response open(String path) throws IOException {
        return open("GET", path);
    }

    /**
     * Sends a request without a body ({@code GET} for logs, {@code POST} for the attach API) and
     * returns once the response head has arrived.
     *
     * @throws IOException if the engine cannot be reached or the response is not HTTP
     */
    Response open(String method, String path) throws IOException;

    /** An open response. {@link #close()} may be called from another thread to stop a blocked read. */
    interface Response extends Closeable {
        int status();

        /** The body, decoded from the transfer encoding; ends where the engine ended it. */
        InputStream body();

        @Override
        void close();
    }

    /** Log streams through docker-java's {@link DockerHttpClient}. */
    static LogStreams through(DockerHttpClient http) {
        return (method, path) -> {
            DockerHttpClient.Response response;
            try {
                response = http.execute(DockerHttpClient.Request.builder()
                        .method(DockerHttpClient.Request.Method.valueOf(method)).path(path).build());
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            return new Response() {
                @Override
                public int status() {
                    return response.getStatusCode();
                }

                @Override
                public InputStream body() {
                    return response.getBody();
                }

                @Override
                public void close() {
                    response.close();
                }
            };
        };
    }

    /**
     * The log streams of a monitor: through {@code http} if given, else through the Docker client's
     * own transport, the faster way if the client comes from {@link DockerClients}.
     *
     * @throws IllegalArgumentException if {@code http} is null and the client is not docker-java's
     *     {@code DockerClientImpl}, whose transport could be used
     */
    static LogStreams forClient(DockerClient docker, DockerHttpClient http) {
        if (http != null) {
            return through(http);
        }
        if (!(docker instanceof DockerClientImpl impl)) {
            throw new IllegalArgumentException("the Docker client is a " + docker.getClass().getName()
                    + ", not docker-java's DockerClientImpl: pass its transport with httpClient(...)");
        }
        DockerHttpClient transport = impl.getHttpClient();
        return transport instanceof DockerTransport ours ? ours.logStreams() : through(transport);
    }
}

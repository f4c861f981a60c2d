package io.containerlogging.docker;

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
}

package io.containerlogging.docker;

import com.github.dockerjava.transport.DockerHttpClient;
import java.io.IOException;
import java.util.Objects;

/**
 * The transport of the clients {@link DockerClients} builds: docker-java's httpclient5 transport
 * for every request, and beside it the faster {@link SocketLogStreams} that a
 * {@link ContainerLogMonitor} finds here and reads log streams with, where the engine allows.
 */
final class DockerTransport implements DockerHttpClient {

    private final DockerHttpClient delegate;
    private final LogStreams logStreams;

    DockerTransport(DockerHttpClient delegate, LogStreams logStreams) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.logStreams = logStreams != null ? logStreams : LogStreams.through(delegate);
    }

    LogStreams logStreams() {
        return logStreams;
    }

    @Override
    public Response execute(Request request) {
        return delegate.execute(request);
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}

package io.containerlogging.benchmarks;

import com.github.dockerjava.api.DockerClient;
import io.containerlogging.docker.ContainerLogMonitor;
import io.containerlogging.docker.DockerClients;
import io.containerlogging.http.LogHttpServer;
import io.containerlogging.local.LocalLogBackend;

/**
 * The collector behind {@code scripts/rm-containers.sh}: a memory-only backend, a monitor in
 * auto-attach mode with {@code attachAtCreate} on or off, and the REST API on loopback, until
 * the process is killed. The script runs short-lived {@code docker run --rm} containers
 * through the real CLI against it and counts what the API holds.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.containerlogging.benchmarks.RmCollector
 * <port> <attachAtCreate: true|false>}. Prints {@code ready} once the events stream is connected.
 */
public final class RmCollector {

    private RmCollector() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        boolean attachAtCreate = Boolean.parseBoolean(args[1]);
        LogHttpServer.configureJdkServer();
        try (DockerClient docker = DockerClients.fromEnvironment();
                LocalLogBackend backend = LocalLogBackend.builder().maxLogs(100_000).build()) {
            backend.initialize();
            try (ContainerLogMonitor monitor = ContainerLogMonitor.builder(docker, backend)
                            .attachAtCreate(attachAtCreate).build();
                    LogHttpServer api = LogHttpServer.builder(backend).host("127.0.0.1").port(port).build()) {
                monitor.start();
                while (!monitor.isEventsConnected()) {
                    Thread.sleep(10);
                }
                System.out.println("ready");
                Thread.sleep(Long.MAX_VALUE); // until killed
            }
        }
    }
}

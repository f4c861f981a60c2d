package io.containerlogging.benchmarks;

import com.github.dockerjava.api.DockerClient;
import io.containerlogging.core.AttachOptions;
import io.containerlogging.docker.ContainerLogMonitor;
import io.containerlogging.docker.DockerClients;
import io.containerlogging.local.LocalLogBackend;

/**
 * Target 1, the library side: how long {@link ContainerLogMonitor} takes to have a container's
 * lines in a {@link LocalLogBackend}. Attaches to the container (follow on, so a running one is
 * followed live), polls {@code count()} every millisecond until it reaches the expected number,
 * and prints the time from just before {@code attach} (JVM start-up and Docker client creation
 * excluded; {@code scripts/bench/docker.sh} also reports the whole-process time next to
 * {@code docker logs}). Gives up after the timeout.
 *
 * <p>Run: {@code java -Xmx2g -cp benchmarks/target/benchmarks.jar
 * io.containerlogging.benchmarks.DockerIngest <containerId> <expectedLines> [timeoutSeconds]}.
 * Prints {@code ingest lines=<n> ms=<elapsed> dropped=<n> end-epoch-ms=<wall clock at the end>};
 * exits 1 on timeout.
 */
public final class DockerIngest {

    private DockerIngest() {
    }

    public static void main(String[] args) throws Exception {
        String containerId = args[0];
        long expected = Long.parseLong(args[1]);
        long timeoutNanos = (args.length > 2 ? Long.parseLong(args[2]) : 120) * 1_000_000_000L;
        try (DockerClient docker = DockerClients.fromEnvironment();
                LocalLogBackend backend = LocalLogBackend.builder().maxLogs((int) Math.max(expected, 1)).build()) {
            backend.initialize();
            try (ContainerLogMonitor monitor = ContainerLogMonitor.builder(docker, backend)
                    .lifecycleEvents(false).build()) {
                long start = System.nanoTime();
                monitor.attach(AttachOptions.builder(containerId).serviceName("bench").follow(true).build());
                long count;
                while ((count = backend.count()) < expected && System.nanoTime() - start < timeoutNanos) {
                    Thread.sleep(1);
                }
                long elapsed = System.nanoTime() - start;
                System.out.printf("ingest lines=%d ms=%d dropped=%d end-epoch-ms=%d%n", count,
                        elapsed / 1_000_000, monitor.droppedMessages(), System.currentTimeMillis());
                if (count < expected) {
                    System.exit(1);
                }
            }
        }
    }
}

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
 * {@code docker logs}). Gives up after the timeout. With {@code rounds} above 1 it does it again
 * in the same JVM, each round with a new backend and a new monitor on the same Docker client:
 * round 1 is a cold start (classes loading, code interpreted, JIT compiling on the same two cores
 * as dockerd), later rounds are what a host that has been running for a while sees.
 *
 * <p>Run: {@code java -Xmx2g -cp benchmarks/target/benchmarks.jar
 * io.containerlogging.benchmarks.DockerIngest <containerId> <expectedLines> [timeoutSeconds [rounds]]}.
 * Prints per round {@code ingest round=<i> lines=<n> ms=<elapsed> dropped=<n> end-epoch-ms=<wall
 * clock at the end>}; exits 1 if a round timed out. {@code -Dstructure=off} stores lines as read
 * ({@code StructureOptions.off()}); by default the monitor's defaults apply (fields, levels, multiline).
 */
public final class DockerIngest {

    private DockerIngest() {
    }

    public static void main(String[] args) throws Exception {
        String containerId = args[0];
        long expected = Long.parseLong(args[1]);
        long timeoutNanos = (args.length > 2 ? Long.parseLong(args[2]) : 120) * 1_000_000_000L;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        boolean complete = true;
        try (DockerClient docker = DockerClients.fromEnvironment()) {
            for (int round = 1; round <= rounds; round++) {
                complete &= ingest(docker, containerId, expected, timeoutNanos, round);
                System.gc(); // the previous round's million messages are garbage now: not this round's cost
            }
        }
        if (!complete) {
            System.exit(1);
        }
    }

    private static boolean ingest(DockerClient docker, String containerId, long expected, long timeoutNanos,
            int round) throws Exception {
        try (LocalLogBackend backend = LocalLogBackend.builder().maxLogs((int) Math.max(expected, 1)).build()) {
            backend.initialize();
            try (ContainerLogMonitor monitor = ContainerLogMonitor.builder(docker, backend)
                    .lifecycleEvents(false)
                    .structure("off".equals(System.getProperty("structure"))
                            ? io.containerlogging.core.structure.StructureOptions.off()
                            : io.containerlogging.core.structure.StructureOptions.defaults())
                    .build()) {
                long start = System.nanoTime();
                monitor.attach(AttachOptions.builder(containerId).serviceName("bench").follow(true).build());
                long count;
                while ((count = backend.count()) < expected && System.nanoTime() - start < timeoutNanos) {
                    Thread.sleep(1);
                }
                long elapsed = System.nanoTime() - start;
                System.out.printf("ingest round=%d lines=%d ms=%d dropped=%d end-epoch-ms=%d%n", round, count,
                        elapsed / 1_000_000, monitor.statistics().dropped(), System.currentTimeMillis());
                return count >= expected;
            }
        }
    }
}

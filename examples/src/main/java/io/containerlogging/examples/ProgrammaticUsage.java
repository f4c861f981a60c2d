package io.containerlogging.examples;

import com.github.dockerjava.api.DockerClient;
import io.containerlogging.core.AttachOptions;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.docker.ContainerLogMonitor;
import io.containerlogging.local.LocalLogBackend;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Programmatic usage, as README shows it: create a backend, initialize it, monitor a container,
 * log a system message and a manager event, query, clean up. README.md quotes the part between
 * the snippet markers; {@code ReadmeSnippetsTest} keeps the two the same.
 */
public final class ProgrammaticUsage {

    private ProgrammaticUsage() {
    }

    /**
     * Runs the walkthrough against {@code docker} for the container {@code containerId}, keeping
     * files in {@code logDir}.
     *
     * @return the error logs of service "web" that the query found
     */
    public static List<LogMessage> run(DockerClient docker, String containerId, Path logDir)
            throws IOException {
        // snippet:start programmatic
        // Create log backend
        try (LocalLogBackend logBackend = LocalLogBackend.builder()
                .maxLogs(5000)
                .enableFilePersistence(true)
                .logDir(logDir)
                .build()) {
            logBackend.initialize();

            // Create log monitor (docker is the host's docker-java DockerClient)
            try (ContainerLogMonitor logMonitor = new ContainerLogMonitor(docker, logBackend)) {

                // Attach to container
                logMonitor.attach(AttachOptions.builder(containerId)
                        .serviceId(1)
                        .serviceName("web")
                        .follow(true)
                        .stdout(true)
                        .stderr(true)
                        .build());

                // Log system message
                logMonitor.logSystemMessage("Application started", LogLevel.INFO);

                // Log manager event
                logMonitor.logManagerEvent("reconciliation-complete",
                        Map.of("apps", 3, "services", 7), LogLevel.INFO);

                // Query logs
                List<LogMessage> logs = logBackend.getLogs(LogQuery.builder()
                        .serviceName("web")
                        .level(LogLevel.ERROR)
                        .limit(100)
                        .build());

                // Cleanup old logs
                long removed = logBackend.cleanup(Duration.ofHours(24));
                System.out.println("Removed " + removed + " old logs");
                return logs;
            }
        }
        // snippet:end programmatic
    }
}

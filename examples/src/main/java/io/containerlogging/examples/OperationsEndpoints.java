package io.containerlogging.examples;

import io.containerlogging.core.LogBackend;
import io.containerlogging.docker.ContainerLogMonitor;
import io.containerlogging.http.LogHttpHandler;
import io.containerlogging.http.LogHttpServer;
import io.containerlogging.local.LocalLogBackend;
import io.containerlogging.forward.Forwarder;
import io.containerlogging.forward.ForwarderStatus;
import io.containerlogging.metrics.LogMetrics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The example server's audit trail and metrics endpoint ({@code LOG_AUDIT}, {@code LOG_METRICS}),
 * added to its HTTP server before it is built:
 *
 * <ul>
 * <li>Audit (local backend only): a second {@link LocalLogBackend} in {@code LOG_DIR/audit} (its
 *     own files, a ring of {@link #AUDIT_MAX_LOGS}, the same {@code LOG_MAX_AGE}, file size and
 *     disk budget as the container logs), fed by an {@link AuditTrail}, and served read-only by a
 *     second {@link LogHttpHandler} at {@code /audit} with the API's token and Host rules.
 * <li>Metrics: {@link LogMetrics} at {@code /metrics}, with the container log backend (and the
 *     audit one), bytes on disk, and the monitor's containers and dropped lines.
 * </ul>
 *
 * <p>Closing it closes the audit handler and backend (after the HTTP server, so that the last
 * requests are still recorded).
 */
final class OperationsEndpoints implements AutoCloseable {

    /**
     * Audit messages kept in memory, so searchable (older ones stay in the files until LOG_MAX_AGE).
     * Each takes about 700 bytes of heap; 10 000 measured 6.7 MB live and 25 MB more resident under
     * load, next to the launcher's 34 MB heap (docs/BENCHMARKS.md, "Metrics and audit").
     */
    static final int AUDIT_MAX_LOGS = 2_000;

    private final LocalLogBackend audit;
    private final LogHttpHandler auditHandler;

    private OperationsEndpoints(LocalLogBackend audit, LogHttpHandler auditHandler) {
        this.audit = audit;
        this.auditHandler = auditHandler;
    }

    /**
     * Adds what {@code config} asks for to {@code http}.
     *
     * @param backend the container logs
     * @param monitor the container monitor, or null without Docker
     * @throws IOException if the audit directory is unusable
     */
    static OperationsEndpoints add(ExampleServerConfig config, LogBackend backend, ContainerLogMonitor monitor,
            List<Forwarder> forwarders, LogHttpServer.Builder http) throws IOException {
        ExampleServerConfig.Operations operations = config.operations();
        LocalLogBackend audit = null;
        LogHttpHandler auditHandler = null;
        if (operations.audit() && config.openSearch() == null) {
            Path dir = config.logDir().resolve("audit");
            audit = LocalLogBackend.builder()
                    .maxLogs(AUDIT_MAX_LOGS)
                    .maxAge(config.maxAge())
                    .enableFilePersistence(true)
                    .logDir(dir)
                    .maxFileSize(config.storage().maxFileSize())
                    .maxTotalSize(config.storage().maxTotalSize())
                    .build();
            try {
                audit.initialize();
            } catch (IOException e) {
                audit.close();
                throw new IOException("LOG_DIR " + dir + " (audit trail, LOG_AUDIT=off to do without): "
                        + e.getMessage(), e);
            }
            LogHttpHandler.Builder handler = LogHttpHandler.builder(audit);
            if (config.apiToken() != null) {
                handler.bearerToken(config.apiToken());
            }
            if (!config.allowedHosts().isEmpty()) {
                handler.allowedHosts(config.allowedHosts().toArray(String[]::new));
            }
            auditHandler = handler.build();
            http.mount("/audit", auditHandler);
            http.accessListener(new AuditTrail(audit));
        }
        if (operations.metrics()) {
            LogMetrics.Builder metrics = LogMetrics.builder().backend("logs", backend);
            if (backend instanceof LocalLogBackend) {
                LocalLogBackend local = (LocalLogBackend) backend;
                metrics.storeBytes("logs", () -> local.storageStatistics().bytesOnDisk());
            }
            if (audit != null) {
                LocalLogBackend auditBackend = audit;
                metrics.backend("audit", auditBackend)
                        .storeBytes("audit", () -> auditBackend.storageStatistics().bytesOnDisk());
            }
            metrics.gauge("container_logging_containers_followed", "Containers whose logs are followed now",
                            () -> monitor == null ? 0 : monitor.statistics().containers())
                    .counter("container_logging_monitor_lines_dropped",
                            "Container lines dropped because the queue to the backend was full",
                            () -> monitor == null ? 0 : monitor.statistics().dropped())
                    .gauge("container_logging_monitor_lines_queued",
                            "Container lines read from Docker and waiting for the backend now",
                            () -> monitor == null ? 0 : monitor.statistics().queued())
                    .counter("container_logging_container_messages",
                            "Messages read from each followed container since it was attached",
                            List.of("container", "container_id"), () -> byContainer(monitor, false))
                    .counter("container_logging_container_messages_dropped",
                            "Messages of each followed container dropped because the queue to the backend was full",
                            List.of("container", "container_id"), () -> byContainer(monitor, true));
            if (!forwarders.isEmpty()) {
                List<String> label = List.of("forwarder");
                metrics.counter("container_logging_forwarder_delivered",
                                "Messages each forwarder's sink acknowledged since start",
                                label, () -> byForwarder(forwarders, ForwarderStatus::delivered))
                        .counter("container_logging_forwarder_retried",
                                "Failed deliveries of each forwarder since start (each retried later)",
                                label, () -> byForwarder(forwarders, ForwarderStatus::retried))
                        .counter("container_logging_forwarder_missed",
                                "Messages deleted by retention or the disk budget before each forwarder reached them",
                                label, () -> byForwarder(forwarders, ForwarderStatus::missed))
                        .counter("container_logging_forwarder_rejected",
                                "Messages each forwarder's receiver refused for good (reported, not forwarded)",
                                label, () -> byForwarder(forwarders, ForwarderStatus::rejected))
                        .gauge("container_logging_forwarder_lag_messages",
                                "Stored ids each forwarder has not yet delivered or passed over",
                                label, () -> byForwarder(forwarders, ForwarderStatus::lagMessages))
                        .gauge("container_logging_forwarder_lag_seconds",
                                "Age in whole seconds of the oldest message each forwarder is waiting to deliver",
                                label, () -> byForwarder(forwarders, status -> (long) status.lagSeconds()));
            }
            LogMetrics built = metrics.build();
            http.accessListener(built.accessListener());
            http.mount("/metrics", built.handler());
        }
        return new OperationsEndpoints(audit, auditHandler);
    }

    /** One entry per forwarder, by name: {@code value} of its status. */
    private static Map<List<String>, Long> byForwarder(List<Forwarder> forwarders,
            java.util.function.ToLongFunction<ForwarderStatus> value) {
        Map<List<String>, Long> values = new HashMap<>();
        for (Forwarder forwarder : forwarders) {
            values.put(List.of(forwarder.name()), value.applyAsLong(forwarder.status()));
        }
        return values;
    }

    /** One entry per followed container: its name and short id; label values stay as few as they. */
    private static Map<List<String>, Long> byContainer(ContainerLogMonitor monitor, boolean dropped) {
        if (monitor == null) {
            return Map.of();
        }
        Map<List<String>, Long> counts = new HashMap<>();
        (dropped ? monitor.droppedCounts() : monitor.messageCounts()).forEach((container, count) -> counts.merge(List.of(
                container.serviceName() == null ? "" : container.serviceName(),
                container.containerId().substring(0, Math.min(12, container.containerId().length()))),
                count, Long::sum));
        return counts;
    }

    /** The audit trail's backend, or null when there is none. */
    LocalLogBackend audit() {
        return audit;
    }

    /** Closes the audit handler and flushes and closes the audit backend. Safe to call twice. */
    @Override
    public void close() {
        if (auditHandler != null) {
            auditHandler.close();
        }
        if (audit != null) {
            audit.close();
        }
    }
}

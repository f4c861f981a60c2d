package io.containerlogging.docker;

/**
 * What a {@link ContainerLogMonitor} has done so far, named as every component of the library
 * names its counters (see {@code io.containerlogging.core.BackendStatistics}).
 *
 * @param containers containers attached now
 * @param dropped lines dropped because the queue to the backend was full (reported as a system
 *     message "suppressed N messages"); 0 when the backend queues its own writes, which then
 *     counts its own drops
 * @param queued lines read from Docker and waiting in the queue for the backend now
 * @param redactions replacements made so far per redaction rule name, in rule order (a rule that
 *     gave up on a hostile line counts under {@code <name>.failed}); empty without redaction
 * @param fileStreams container log streams read from their {@code json-file} on this host
 *     (see {@code ContainerLogMonitor.Builder#readLogFiles}), each open counted once
 * @param apiStreams container log streams read through the Engine API
 * @param fileFallbacks streams that began on the log file and went on through the API because the
 *     files could not be followed exactly (included in {@code fileStreams})
 * @param skippedFileLines lines of log files that were not json-file entries, skipped
 */
public record MonitorStatistics(int containers, long dropped, int queued, java.util.Map<String, Long> redactions,
        long fileStreams, long apiStreams, long fileFallbacks, long skippedFileLines) {

    /** Copies the map. */
    public MonitorStatistics {
        redactions = java.util.Map.copyOf(redactions);
    }

    /** Statistics without redaction counts. */
    public MonitorStatistics(int containers, long dropped, int queued) {
        this(containers, dropped, queued, java.util.Map.of());
    }

    /** Statistics without log-file counts. */
    public MonitorStatistics(int containers, long dropped, int queued, java.util.Map<String, Long> redactions) {
        this(containers, dropped, queued, redactions, 0, 0, 0, 0);
    }
}

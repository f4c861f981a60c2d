package io.containerlogging.core.spi;

import io.containerlogging.core.CheckpointStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;

/**
 * The settings every {@link AbstractLogBackend} shares. A backend's builder collects them with its
 * own and passes them up; users never build this directly.
 *
 * @param name the backend's short name, used in thread names ({@code container-logging-<name>-writer-N})
 *     and in drop reports, e.g. {@code "local"} or {@code "opensearch"}
 * @param ids where message ids come from
 * @param deviceId stamped on every message logged without a device id of its own; null for none
 * @param clock the backend's clock (drop reports, retention)
 * @param threadFactory the host's factory for every thread of the backend, used as it is; null for
 *     the library's named daemon threads ({@link DaemonThreads})
 * @param closeTimeout how long {@code close()} waits for queued messages to be written
 * @param flushTimeout how long {@code flush()} waits for queued messages to be written
 * @param queue the write queue of an asynchronous backend; null for a synchronous one
 * @param checkpoints where read checkpoints are kept across restarts; null to keep them in memory only
 * @param checkpointRetention how long the checkpoint of a container stream is kept after its last line
 */
public record BackendSettings(String name, IdSequence ids, String deviceId, Clock clock,
        ThreadFactory threadFactory, Duration closeTimeout, Duration flushTimeout, WriteQueue.Settings queue,
        CheckpointStore checkpoints, Duration checkpointRetention) {

    /** Default close timeout: 10 seconds. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(10);
    /** Default flush timeout: 30 seconds. */
    public static final Duration DEFAULT_FLUSH_TIMEOUT = Duration.ofSeconds(30);

    /**
     * Validates the settings.
     *
     * @throws NullPointerException if {@code name}, {@code ids}, {@code clock} or a timeout is null
     * @throws IllegalArgumentException if a timeout is negative or {@code deviceId} blank
     */
    public BackendSettings {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(ids, "ids");
        Objects.requireNonNull(clock, "clock");
        SettingChecks.notNegative(closeTimeout, "closeTimeout");
        SettingChecks.notNegative(flushTimeout, "flushTimeout");
        Objects.requireNonNull(checkpointRetention, "checkpointRetention");
        if (deviceId != null && deviceId.isBlank()) {
            throw new IllegalArgumentException("deviceId must not be blank, was '" + deviceId + "'");
        }
    }

    /**
     * The thread factory for one role of the backend: the host's factory as it is, or else named
     * daemon threads {@code container-logging-<name>-<role>-N}.
     *
     * @param role e.g. {@code "writer"} or {@code "subscriber"}
     * @return the factory to use
     */
    public ThreadFactory threadFactory(String role) {
        return threadFactory != null ? threadFactory : DaemonThreads.factory(name + "-" + role);
    }
}

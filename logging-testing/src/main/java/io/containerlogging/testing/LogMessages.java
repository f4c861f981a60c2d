package io.containerlogging.testing;

import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * {@link LogMessage} test data: container lines as the Docker monitor would store them, system
 * lines, numbered runs of lines, and container ids of the right shape. Messages have no id (a
 * backend assigns it) and no device id. Stateless and thread-safe.
 */
public final class LogMessages {

    private LogMessages() {
    }

    /**
     * A builder preset for a line that container {@code containerId} of service
     * {@code serviceName} wrote to stdout: source {@code LogSource.container(serviceName)}, level
     * {@link LogLevel#INFO}, no service id, timestamp now unless one is set. Change any field
     * before {@code build()}.
     *
     * @throws NullPointerException if {@code serviceName} or {@code text} is null
     */
    public static LogMessage.Builder containerLine(String serviceName, String containerId, String text) {
        Objects.requireNonNull(serviceName, "serviceName");
        Objects.requireNonNull(text, "text");
        return LogMessage.builder().message(text).source(LogSource.container(serviceName))
                .serviceName(serviceName).containerId(containerId);
    }

    /**
     * A stdout line at {@link LogLevel#INFO} of container {@code containerId} of service
     * {@code serviceName}, at {@code timestamp}.
     *
     * @throws NullPointerException if {@code serviceName}, {@code text} or {@code timestamp} is null
     */
    public static LogMessage containerLine(String serviceName, String containerId, String text, Instant timestamp) {
        Objects.requireNonNull(timestamp, "timestamp");
        return containerLine(serviceName, containerId, text).timestamp(timestamp).build();
    }

    /**
     * {@code count} stdout lines of one container, {@code "<prefix> 0"} to
     * {@code "<prefix> <count-1>"}, the first at {@code start} and each next one {@code step}
     * later: for tests of order, paging, retention and eviction.
     *
     * @throws IllegalArgumentException if {@code count} is negative or {@code step} is negative
     */
    public static List<LogMessage> containerLines(String serviceName, String containerId, String prefix,
            int count, Instant start, Duration step) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative: " + count);
        }
        if (step.isNegative()) {
            throw new IllegalArgumentException("step must not be negative: " + step);
        }
        List<LogMessage> lines = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            lines.add(containerLine(serviceName, containerId, prefix + " " + i, start.plus(step.multipliedBy(i))));
        }
        return lines;
    }

    /**
     * A system message (source {@link LogSource#SYSTEM}, {@code isSystem} true) at
     * {@link LogLevel#INFO}.
     */
    public static LogMessage systemLine(String text, Instant timestamp) {
        return LogMessage.system(text, LogLevel.INFO, timestamp);
    }

    /**
     * A Docker container id for test number {@code n}: 64 lowercase hex digits, distinct for
     * distinct {@code n}, with {@code n} readable at the end.
     */
    public static String containerId(long n) {
        return String.format(Locale.ROOT, "c0ffee%058x", n);
    }
}

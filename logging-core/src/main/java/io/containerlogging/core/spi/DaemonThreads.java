package io.containerlogging.core.spi;

import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The library's one default {@link ThreadFactory}: daemon threads named
 * {@code container-logging-<component>-N}, so a thread dump tells which component a thread
 * belongs to and none of them keeps the JVM alive.
 *
 * <p>Every component that starts threads takes a {@code ThreadFactory} on its builder and uses
 * this one by default. A factory supplied by the host is used as it is: its threads are never
 * renamed, since the host's naming is the host's business.
 */
public final class DaemonThreads {

    private static final String PREFIX = "container-logging-";

    private DaemonThreads() {
    }

    /**
     * A factory of daemon threads named {@code container-logging-<component>-N}, N counting from
     * 1 for each factory.
     *
     * @param component a short name such as {@code local-writer} or {@code docker-stream}
     * @return a new factory with its own counter
     * @throws NullPointerException if {@code component} is null
     * @throws IllegalArgumentException if {@code component} is blank
     */
    public static ThreadFactory factory(String component) {
        Objects.requireNonNull(component, "component");
        if (component.isBlank()) {
            throw new IllegalArgumentException("component must not be blank");
        }
        String prefix = PREFIX + component + "-";
        AtomicInteger number = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}

package io.containerlogging.docker;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The monitor's default threads: daemon threads named {@code container-logging-<component>-N}, so a
 * thread dump says whose they are and none of them keeps the JVM alive. A host that passes its own
 * {@link ThreadFactory} gets its threads used as they come, never renamed.
 */
final class DaemonThreadFactory implements ThreadFactory {

    private final String prefix;
    private final AtomicInteger number = new AtomicInteger();

    DaemonThreadFactory(String component) {
        this.prefix = "container-logging-" + component + "-";
    }

    @Override
    public Thread newThread(Runnable runnable) {
        Thread thread = new Thread(runnable, prefix + number.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    }
}

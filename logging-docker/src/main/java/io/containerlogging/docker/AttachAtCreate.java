package io.containerlogging.docker;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;

/**
 * Attaches AutoRemove containers ({@code docker run --rm}) at their create event through the attach
 * API, as {@code docker run} itself reads them: one that exits within milliseconds is deleted with
 * its log file before a log stream opened at its start event could read it. The attach API has no
 * timestamps, so its lines carry the time they arrived; {@code logs=1} also returns whatever the
 * container wrote before the attach took hold. Other containers keep waiting for their start
 * event: their log stays readable, with Docker's timestamps.
 *
 * <p>Each create event is handled on a thread of its own, since the inspect (like any attach)
 * waits for the container's lock while dockerd starts it; one after another on the control thread,
 * parallel {@code docker run --rm} lost lines (see {@code docs/docker-notes.md}). Meanwhile the
 * container's start event is left to this class ({@link #claimsStart}), which attaches it from its
 * log after all if it is no AutoRemove container.
 *
 * <p>Thread-safety: thread-safe.
 */
final class AttachAtCreate implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(AttachAtCreate.class.getName());

    private final DockerEngine engine;
    private final ControlThread control;
    private final Consumer<DockerEngine.ContainerInfo> attachLive;
    private final Consumer<String> attachFromLog;
    private final ExecutorService executor;
    // Containers whose create event is being handled: id -> whether a start event came meanwhile
    private final Map<String, Boolean> pending = new ConcurrentHashMap<>();

    /**
     * @param attachLive attaches a container through the attach API
     * @param attachFromLog attaches a container from its log, as its start event would, quietly
     */
    AttachAtCreate(DockerEngine engine, ControlThread control, ThreadFactory threadFactory,
            Consumer<DockerEngine.ContainerInfo> attachLive, Consumer<String> attachFromLog) {
        this.engine = engine;
        this.control = control;
        this.attachLive = attachLive;
        this.attachFromLog = attachFromLog;
        this.executor = Executors.newCachedThreadPool(threadFactory);
    }

    /** A create event of a container not attached yet: decides on a thread of its own. */
    void created(String containerId) {
        if (pending.putIfAbsent(containerId, false) != null) {
            return;
        }
        try {
            executor.execute(() -> attach(containerId));
        } catch (RejectedExecutionException e) {
            pending.remove(containerId); // closing
        }
    }

    /**
     * A start event: true if the container's create event is still being handled, which then
     * handles this start too.
     */
    boolean claimsStart(String containerId) {
        return pending.computeIfPresent(containerId, (key, started) -> true) != null;
    }

    private void attach(String containerId) {
        boolean attachedLive = false;
        try {
            DockerEngine.ContainerInfo info = engine.inspect(containerId);
            if (info.autoRemove()) {
                attachLive.accept(info);
                attachedLive = true;
            }
        } catch (RuntimeException e) {
            // gone already, closed, or the engine is away
            LOG.log(System.Logger.Level.DEBUG, "could not attach container " + containerId + " at creation", e);
        } finally {
            Boolean startedMeanwhile = pending.remove(containerId);
            if (!attachedLive && Boolean.TRUE.equals(startedMeanwhile)) {
                control.schedule(() -> attachFromLog.accept(containerId), Duration.ZERO); // as its start event would have
            }
        }
    }

    /** Interrupts the attaches under way; does not wait for them. */
    @Override
    public void close() {
        executor.shutdownNow();
    }
}

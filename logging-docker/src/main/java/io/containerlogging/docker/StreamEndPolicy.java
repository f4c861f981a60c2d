package io.containerlogging.docker;

import io.containerlogging.core.ContainerNotFoundException;
import java.time.Duration;

/**
 * What happens when a container's stream ends: a stopped container's stream is reopened when it
 * runs again (or caught up once if it stopped), a broken one is retried after a pause, a container
 * that is gone is forgotten, and a container attached without follow is detached. Decisions that
 * need the engine run on the {@link ControlThread}.
 *
 * <p>Thread-safety: {@link #streamEnded} is called by reader threads; the rest runs on the
 * control thread.
 */
final class StreamEndPolicy implements FollowedContainer.EndListener {

    private static final System.Logger LOG = System.getLogger(StreamEndPolicy.class.getName());

    /** How long to wait before reopening a stream that broke (dockerd restarting, say). */
    static final Duration BROKEN_STREAM_RETRY = Duration.ofMillis(500);

    private final AttachRegistry registry;
    private final DockerEngine engine;
    private final ControlThread control;

    StreamEndPolicy(AttachRegistry registry, DockerEngine engine, ControlThread control) {
        this.registry = registry;
        this.engine = engine;
        this.control = control;
    }

    @Override
    public void streamEnded(FollowedContainer container, boolean completed, int status, boolean catchUp) {
        if (container.isLive()) {
            if (status == 404) {
                registry.forget(container.containerId());
            } else if (status == 200 && !completed) {
                // broken (dockerd restarting?): go on from the log, after the lines already read
                container.switchToLogs();
                control.schedule(() -> reopenIfRunning(container, false), BROKEN_STREAM_RETRY);
            } else if (status == 200) {
                // The container exited. If the attach came in only after it had started, dockerd
                // replayed its log so far, which can lack the last line (an unterminated one is
                // written to the log as the container exits): read the log once more, right away
                // (AutoRemove is about to delete it), skipping the lines already kept. A later
                // start event (docker restart) then reads on from the log as well.
                container.switchToLogs();
                container.open(true);
            }
            return;
        }
        if (!container.follow()) {
            registry.detach(container);
            return;
        }
        if (status == 404) {
            registry.forget(container.containerId());
            return;
        }
        if (status != 0 && status != 200) {
            return; // e.g. a logging driver without read support; a later start event retries
        }
        // A completed stream means the container stopped: it is reopened by its next start event,
        // or right away if it already started again (the start event may have come first); if it
        // did not, one catch-up read collects entries the follow stream ended too early to send.
        // A broken stream is retried after a pause.
        control.schedule(() -> reopenIfRunning(container, completed && !catchUp),
                completed ? Duration.ZERO : BROKEN_STREAM_RETRY);
    }

    private void reopenIfRunning(FollowedContainer container, boolean catchUpIfStopped) {
        if (registry.isClosed() || registry.get(container.containerId()) != container) {
            return;
        }
        try {
            if (engine.inspect(container.containerId()).running()) {
                container.open();
            } else if (catchUpIfStopped) {
                container.open(true);
            }
        } catch (ContainerNotFoundException e) {
            registry.forget(container.containerId());
        } catch (RuntimeException e) {
            // engine unreachable: the events reconnection reconciles once it is back
            LOG.log(System.Logger.Level.DEBUG, "cannot check container " + container.containerId(), e);
        }
    }
}

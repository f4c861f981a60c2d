package io.containerlogging.docker;

import io.containerlogging.core.LogBackend;
import io.containerlogging.core.ReadCheckpoint;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a container's streams resume: where this monitor detached it, else the backend's read
 * checkpoint of each stream ({@link LogBackend#readPosition}), which is durable state of its own,
 * so lines the backend evicted, cleaned up or expired are never read again. A container with no
 * checkpoint at all is read as the {@link FirstRead} policy says.
 */
final class CheckpointResumePoints implements ResumePoints {

    private final LogBackend backend;
    private final FirstRead firstRead;
    private final Clock clock;
    // Where detached containers stopped, so a re-attach by this monitor resumes exactly
    private final Map<String, FollowedContainer.ResumePoint> detachedAt = new ConcurrentHashMap<>();

    CheckpointResumePoints(LogBackend backend, FirstRead firstRead, Clock clock) {
        this.backend = backend;
        this.firstRead = firstRead;
        this.clock = clock;
    }

    @Override
    public FollowedContainer.ResumePoint resumePoint(String containerId) {
        FollowedContainer.ResumePoint detached = detachedAt.remove(containerId);
        if (detached != null) {
            return detached;
        }
        FollowedContainer.StreamPosition stdout = checkpoint(containerId, false);
        FollowedContainer.StreamPosition stderr = checkpoint(containerId, true);
        if (stdout != null || stderr != null) {
            return new FollowedContainer.ResumePoint(stdout, stderr);
        }
        if (firstRead instanceof FirstRead.LastLines last) {
            return FollowedContainer.ResumePoint.lastLines(last.lines());
        }
        Duration window = ((FirstRead.Window) firstRead).window();
        return FollowedContainer.ResumePoint.from(clock.instant().minus(window));
    }

    @Override
    public void detached(String containerId, FollowedContainer.ResumePoint point) {
        if (point != null) {
            detachedAt.put(containerId, point);
        }
    }

    @Override
    public void forget(String containerId) {
        detachedAt.remove(containerId);
    }

    private FollowedContainer.StreamPosition checkpoint(String containerId, boolean stdErr) {
        Optional<ReadCheckpoint> position = backend.readPosition(containerId, stdErr);
        return position.map(p -> new FollowedContainer.StreamPosition(p.timestamp(),
                (int) Math.min(Integer.MAX_VALUE, p.linesAtTimestamp()))).orElse(null);
    }
}

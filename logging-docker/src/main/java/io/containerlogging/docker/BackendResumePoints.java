package io.containerlogging.docker;

import io.containerlogging.core.LogBackend;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.core.SourceType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resume points known to this monitor: where it detached a container, else where the backend's
 * copy of the container's lines ends, per stream (stdout lines are stored at level {@code info},
 * stderr at {@code error}; TTY output is all stdout). The backend's copy is only what it still
 * holds: lines it evicted or expired look unread.
 */
final class BackendResumePoints implements ResumePoints {

    private final LogBackend backend;
    // Where detached containers stopped, so a re-attach by this monitor resumes exactly
    private final Map<String, FollowedContainer.ResumePoint> detachedAt = new ConcurrentHashMap<>();

    BackendResumePoints(LogBackend backend) {
        this.backend = backend;
    }

    @Override
    public FollowedContainer.ResumePoint resumePoint(String containerId) {
        FollowedContainer.ResumePoint detached = detachedAt.remove(containerId);
        return detached != null ? detached : stored(containerId);
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

    private FollowedContainer.ResumePoint stored(String containerId) {
        LogQuery mine = LogQuery.builder().containerId(containerId).sourceType(SourceType.CONTAINER).build();
        FollowedContainer.StreamPosition stdout = storedPosition(mine, containerId, false);
        FollowedContainer.StreamPosition stderr = storedPosition(mine, containerId, true);
        return stdout == null && stderr == null ? null : new FollowedContainer.ResumePoint(stdout, stderr);
    }

    private FollowedContainer.StreamPosition storedPosition(LogQuery mine, String containerId, boolean stdErr) {
        LogQuery stream = mine.toBuilder().level(stdErr ? LogLevel.ERROR : LogLevel.INFO).build();
        List<LogMessage> newest = backend.getLogs(stream.toBuilder().limit(1).build());
        if (newest.isEmpty()) {
            return null;
        }
        // The newest stored is the newest by arrival, normally also by time; look at everything
        // from its timestamp on to be sure and to count the lines sharing the newest timestamp.
        Instant last = newest.get(0).timestamp();
        List<LogMessage> tail = backend.getLogs(stream.toBuilder().since(last).build());
        for (LogMessage message : tail) {
            if (message.timestamp().isAfter(last)) {
                last = message.timestamp();
            }
        }
        int count = 0;
        for (LogMessage message : tail) {
            if (message.timestamp().equals(last) && message.isStdErr() == stdErr
                    && containerId.equals(message.containerId())) {
                count++;
            }
        }
        return new FollowedContainer.StreamPosition(last, count);
    }
}

package io.containerlogging.http;

import io.containerlogging.core.LogBackend;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import java.util.List;

/**
 * What one {@code /api/v1/logs/stream} request asked for.
 *
 * @param filter the criteria every event must meet (no limit, no afterId)
 * @param tail how many of the newest stored matching messages to replay first (0 for none);
 *     ignored when {@code resumeAfterId} is set
 * @param resumeAfterId replay every stored matching message after this id ({@code Last-Event-ID}),
 *     or null
 */
record StreamPlan(LogQuery filter, int tail, String resumeAfterId) {

    /** The stored messages to send before live ones, oldest first. */
    List<LogMessage> history(LogBackend backend) {
        if (resumeAfterId != null) {
            // Everything still stored after the id: a resume must not leave a gap, and the
            // backend's own capacity bounds the list.
            return backend.getLogs(filter.toBuilder().afterId(resumeAfterId).limit(null).build());
        }
        if (tail > 0) {
            return backend.getLogs(filter.toBuilder().limit(tail).build());
        }
        return List.of();
    }
}

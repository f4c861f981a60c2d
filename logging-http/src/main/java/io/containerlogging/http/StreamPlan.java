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

    /**
     * How many messages one page of a resume holds: the most a resuming stream keeps in memory at
     * once, whatever its backlog. Each page is one {@code getLogs(afterId, limit)} call, which
     * every backend answers from wherever the messages are (the local backend from its files
     * once the cursor is older than its memory).
     */
    static final int RESUME_PAGE_SIZE = 256;

    /** True if this stream resumes after an id rather than replaying a tail. */
    boolean resumes() {
        return resumeAfterId != null;
    }

    /** The newest {@code tail} stored matching messages, oldest first; empty for a resume. */
    List<LogMessage> tailHistory(LogBackend backend) {
        if (resumes() || tail == 0) {
            return List.of();
        }
        return backend.getLogs(filter.toBuilder().limit(tail).build());
    }

    /**
     * The oldest {@link #RESUME_PAGE_SIZE} stored matching messages after {@code afterId}, oldest
     * first; empty when none is stored after it (at the time of the call).
     */
    List<LogMessage> pageAfter(LogBackend backend, String afterId) {
        return backend.getLogs(filter.toBuilder().afterId(afterId).limit(RESUME_PAGE_SIZE).build());
    }
}

package io.containerlogging.docker;

/**
 * Where a container's streams resume when an attach does not say ({@code AttachOptions.since()}
 * unset): the one place the monitor asks, so that how positions are known (today
 * {@link BackendResumePoints}, inferred from what the backend holds) can be replaced as a whole.
 *
 * <p>Thread-safety: implementations are thread-safe; the monitor calls them under its attach lock.
 */
interface ResumePoints {

    /**
     * Where to resume a container now being attached, and the end of any memory of an earlier
     * detach of it; null to read it from its first line.
     */
    FollowedContainer.ResumePoint resumePoint(String containerId);

    /** A container was detached at {@code point} (null if nothing was kept); a re-attach resumes there. */
    void detached(String containerId, FollowedContainer.ResumePoint point);

    /** A container is gone for good (removed, or the monitor closed): nothing of it need be remembered. */
    void forget(String containerId);
}

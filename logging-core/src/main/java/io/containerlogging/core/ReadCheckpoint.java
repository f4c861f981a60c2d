package io.containerlogging.core;

import java.time.Instant;
import java.util.Objects;

/**
 * Where the reading of one container stream stands: the Docker timestamp of the newest line handed
 * to the backend, and how many lines of that stream carry exactly that timestamp (dockerd can
 * stamp several lines alike). A collector resumes the stream at {@code timestamp} and skips the
 * first {@code linesAtTimestamp} lines it reads there, so no line is read twice or skipped.
 *
 * @param containerId the full container id
 * @param stdErr true for the stderr stream, false for stdout (TTY output is stdout)
 * @param timestamp the newest Docker timestamp stored for the stream
 * @param linesAtTimestamp how many stored lines of the stream carry exactly {@code timestamp}, at least 1
 * @param updated when the position last moved, by the backend's clock; positions of containers
 *     gone for longer than the retention expire by it
 */
public record ReadCheckpoint(String containerId, boolean stdErr, Instant timestamp, long linesAtTimestamp,
        Instant updated) {

    /**
     * Validates the checkpoint.
     *
     * @throws NullPointerException if an id or time is null
     * @throws IllegalArgumentException if {@code linesAtTimestamp < 1}
     */
    public ReadCheckpoint {
        Objects.requireNonNull(containerId, "containerId");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(updated, "updated");
        if (linesAtTimestamp < 1) {
            throw new IllegalArgumentException("linesAtTimestamp must be >= 1, was " + linesAtTimestamp);
        }
    }
}

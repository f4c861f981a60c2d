/**
 * Collects Docker container logs into a {@link io.containerlogging.core.LogBackend}:
 * {@link io.containerlogging.docker.ContainerLogMonitor} and
 * {@link io.containerlogging.docker.DockerClients}. docker-java types stay inside this package.
 *
 * <h2>How a container's log is read</h2>
 * Each attached container has one reader thread holding one {@code GET /containers/{id}/logs}
 * request ({@code timestamps=1}, {@code follow=1}) made through docker-java's raw
 * {@code DockerHttpClient}, because only the raw Engine API accepts a fractional {@code since}
 * (docker-java's {@code withSince} takes whole seconds and would re-deliver up to a second of
 * lines on every resume). The body is demultiplexed (8-byte frame headers; one frame per log entry)
 * or, for TTY containers, read raw as stdout; then re-split into lines byte by byte, since reads
 * split entries anywhere and dockerd cuts lines over 16 KiB into pieces that each carry their own
 * timestamp prefix (rejoined here, keeping the first piece's timestamp).
 *
 * <h2>Exactly once</h2>
 * Per stream (stdout, stderr), the monitor remembers the newest kept timestamp and how many kept
 * lines carry exactly it; a reopened stream starts at the earlier of the two and each stream drops
 * what it already kept. Positions are per stream because dockerd stamps the two streams in separate
 * copiers: in the log file a stderr entry can follow a slightly newer stdout entry, and one shared
 * position lost such lines (seen in testing). Lines sharing a timestamp are counted, not assumed
 * impossible. A new monitor on a persisted backend takes the positions from the newest stored
 * info (stdout) and error (stderr) lines of the container.
 *
 * <h2>dockerd behaviour this code works around (measured on Docker 20.10)</h2>
 * <ul>
 *   <li>A follow stream ends when the container stops, and often (10 of 15 tries) before sending
 *       the last entries the container wrote; after it ends, a stopped container gets one
 *       catch-up read (no follow) from the position reached, a running one a new follow stream.</li>
 *   <li>The stream ends on restart too; the {@code start} event, or the end of the old stream,
 *       whichever comes last, reopens it.</li>
 *   <li>The events stream can break or lag; after every (re)connection the running containers
 *       are listed and reconciled.</li>
 * </ul>
 *
 * <h2>Known limits</h2>
 * <ul>
 *   <li>A TTY stream has no frames, so an unterminated line written just before a container
 *       stopped, when read back later from history together with the next run's lines, is
 *       joined to the next line (a follow stream flushes it correctly at its end).</li>
 *   <li>A stream with nothing kept yet is read from one second before the other stream's
 *       position ({@code UNKNOWN_STREAM_SLACK}); a cross-stream stamping skew above a second
 *       could lose a line of it.</li>
 * </ul>
 */
package io.containerlogging.docker;

/**
 * Collects Docker container logs into a {@link io.containerlogging.core.LogBackend}:
 * {@link io.containerlogging.docker.ContainerLogMonitor} and
 * {@link io.containerlogging.docker.DockerClients}. docker-java types stay inside this package.
 *
 * <h2>How a container's log is read</h2>
 * Each attached container has one reader thread holding one {@code GET /containers/{id}/logs}
 * request ({@code timestamps=1}, {@code follow=1}) on the raw Engine API, because only it accepts
 * a fractional {@code since} (docker-java's {@code withSince} takes whole seconds and would
 * re-deliver up to a second of lines on every resume). With a client from {@link
 * io.containerlogging.docker.DockerClients} and a unix-socket or plain-TCP engine, the request
 * goes over a connection of its own ({@code SocketLogStreams}: chunked decoding here, and a short
 * nap after a short read so that dockerd's one-write-per-entry output arrives kilobytes per read,
 * which makes ingest faster than {@code docker logs} itself, see docs/BENCHMARKS.md); otherwise
 * through docker-java's raw {@code DockerHttpClient}. The body is demultiplexed (8-byte frame headers; one frame per log entry)
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
 * impossible. A new monitor takes the positions from the backend's read checkpoints
 * ({@link io.containerlogging.core.LogBackend#readPosition}), which the backend keeps apart from
 * the lines it stores (and, with persistence, durably): eviction, cleanup and retention never make
 * lines look unread, and a restart after a crash re-reads only what the backend had not durably
 * stored.
 *
 * <h2>Containers run with {@code --rm}</h2>
 * An AutoRemove container is deleted with its log file as soon as it exits, often before a log
 * stream opened at its {@code start} event could read a line. With {@code start()} and
 * {@code attachAtCreate(true)} (off by default, see its javadoc for what it trades), such a
 * container is attached at its {@code create} event through the attach API
 * ({@code logs=1&stream=1}, no timestamps: lines carry their arrival time); when that stream ends,
 * the log is read once more, skipping by count the lines already kept; a restart switches it to
 * the log the same way.
 *
 * <h2>dockerd behaviour this code works around</h2>
 * (Observed on Docker 20.10; the measurements are in docs/docker-notes.md.)
 * <ul>
 *   <li>Inspect and attach wait for the container lock while dockerd starts a container
 *       (a few hundred milliseconds), so an attach made at the {@code create} event of a {@code docker run --rm}
 *       often takes hold after the start; {@code logs=1} makes dockerd replay what was written
 *       so far, and a line written during its hand-over to live output can come twice.</li>
 *   <li>A follow stream ends when the container stops, and often before sending
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

package io.containerlogging.docker;

import com.github.dockerjava.transport.DockerHttpClient;
import io.containerlogging.core.AttachedContainer;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ThreadFactory;

/**
 * One attached container: opens its log stream through the raw Engine API, reads it on its own
 * thread, and remembers how far it got so that a reopened stream (after a stop/start, a restart,
 * a broken connection, a detach and re-attach) neither repeats nor skips a line.
 *
 * <p>Resume rule: the stream is requested with a <em>fractional</em> {@code since} equal to the
 * newest kept timestamp T (the engine treats it as inclusive), and of the lines stamped exactly T
 * the first {@code n} per stream are skipped, n being how many with that stamp were already kept.
 * Docker assigns timestamps with nanosecond precision and several lines sharing one is rare (a 16
 * KiB line's pieces share one, but they become a single line here), yet counting instead of
 * dropping everything at T means that even then nothing is lost or repeated.
 *
 * <p>Thread-safety: the resume point, the open response and the flags are guarded by
 * {@code this}; the reader thread takes the lock once per line so a detach never races a line
 * being kept.
 */
final class FollowedContainer {

    private static final System.Logger LOG = System.getLogger(FollowedContainer.class.getName());

    /** Where a stream should resume: the newest kept timestamp and how many lines per stream had it. */
    record ResumePoint(Instant timestamp, int stdoutAtTimestamp, int stderrAtTimestamp) {
    }

    /** Called by the reader thread when a stream ended. */
    interface EndListener {
        /**
         * @param container the container whose stream ended
         * @param completed true if the engine ended the stream (container stopped), false if it broke
         * @param status the HTTP status of the logs request (0 if none was received)
         */
        void streamEnded(FollowedContainer container, boolean completed, int status);
    }

    private final String containerId;
    private final boolean tty;
    private final boolean follow;
    private final boolean stdout;
    private final boolean stderr;
    private final DockerHttpClient http;
    private final BackendWriter writer;
    private final int maxLineLength;
    private final Clock clock;
    private final ThreadFactory threadFactory;
    private final EndListener endListener;

    private volatile Integer serviceId;
    private volatile String serviceName;
    private volatile LogSource source;

    // guarded by this
    private boolean streaming;
    private boolean detached;
    private DockerHttpClient.Response response;
    private Instant lastTimestamp;
    private int stdoutAtLast;
    private int stderrAtLast;
    // guarded by this; the lines of the current stream still to skip (already kept before)
    private Instant skipBefore;
    private int skipStdout;
    private int skipStderr;

    FollowedContainer(String containerId, boolean tty, boolean follow, boolean stdout, boolean stderr,
            Integer serviceId, String serviceName, ResumePoint resumeFrom, DockerHttpClient http,
            BackendWriter writer, int maxLineLength, Clock clock, ThreadFactory threadFactory,
            EndListener endListener) {
        this.containerId = containerId;
        this.tty = tty;
        this.follow = follow;
        this.stdout = stdout;
        this.stderr = stderr;
        this.http = http;
        this.writer = writer;
        this.maxLineLength = maxLineLength;
        this.clock = clock;
        this.threadFactory = threadFactory;
        this.endListener = endListener;
        service(serviceId, serviceName);
        if (resumeFrom != null) {
            lastTimestamp = resumeFrom.timestamp();
            stdoutAtLast = resumeFrom.stdoutAtTimestamp();
            stderrAtLast = resumeFrom.stderrAtTimestamp();
        }
    }

    String containerId() {
        return containerId;
    }

    boolean follow() {
        return follow;
    }

    void service(Integer serviceId, String serviceName) {
        this.serviceId = serviceId;
        this.serviceName = serviceName;
        this.source = LogSource.container(serviceName);
    }

    AttachedContainer describe() {
        return new AttachedContainer(containerId, serviceId, serviceName);
    }

    synchronized boolean isStreaming() {
        return streaming;
    }

    synchronized ResumePoint resumePoint() {
        return lastTimestamp == null ? null : new ResumePoint(lastTimestamp, stdoutAtLast, stderrAtLast);
    }

    /**
     * Opens the log stream from the resume point on a new reader thread, unless one is open or
     * the container was detached.
     *
     * @return true if a stream was opened
     */
    synchronized boolean open() {
        if (detached || streaming) {
            return false;
        }
        streaming = true;
        skipBefore = lastTimestamp;
        skipStdout = stdoutAtLast;
        skipStderr = stderrAtLast;
        String path = "/containers/" + containerId + "/logs?timestamps=1"
                + "&follow=" + (follow ? 1 : 0)
                + "&stdout=" + (stdout ? 1 : 0)
                + "&stderr=" + (stderr ? 1 : 0)
                + (lastTimestamp == null ? "" : "&since=" + engineTime(lastTimestamp));
        Thread reader = threadFactory.newThread(() -> read(path));
        reader.start();
        return true;
    }

    /** Stops the stream for good; returns where a later attach should resume. Idempotent. */
    ResumePoint detach() {
        DockerHttpClient.Response open;
        ResumePoint point;
        synchronized (this) {
            detached = true;
            open = response;
            response = null;
            point = resumePoint();
        }
        if (open != null) {
            closeQuietly(open); // unblocks the reader: its read fails and it ends
        }
        return point;
    }

    /** The Engine API's {@code since}: seconds and nanoseconds, which it compares inclusively. */
    static String engineTime(Instant instant) {
        String nanos = Integer.toString(instant.getNano());
        return instant.getEpochSecond() + "." + "000000000".substring(nanos.length()) + nanos;
    }

    private void read(String path) {
        boolean completed = false;
        int status = 0;
        DockerHttpClient.Response opened = null;
        try {
            opened = http.execute(DockerHttpClient.Request.builder()
                    .method(DockerHttpClient.Request.Method.GET).path(path).build());
            synchronized (this) {
                if (detached) {
                    return;
                }
                response = opened;
            }
            status = opened.getStatusCode();
            if (status != 200) {
                LOG.log(System.Logger.Level.WARNING, "logs of container {0} unavailable: HTTP {1} {2}",
                        containerId, status, errorText(opened.getBody()));
                return;
            }
            LineAssembler assembler = new LineAssembler(maxLineLength, clock, this::keep);
            new LogStreamDecoder(tty, assembler).readAll(opened.getBody());
            completed = true;
        } catch (IOException | RuntimeException e) {
            if (!isDetached()) {
                LOG.log(System.Logger.Level.DEBUG, "log stream of container " + containerId + " broke", e);
            }
        } finally {
            synchronized (this) {
                streaming = false;
                response = null;
            }
            if (opened != null) {
                closeQuietly(opened);
            }
            if (!isDetached()) {
                endListener.streamEnded(this, completed, status);
            }
        }
    }

    private synchronized boolean isDetached() {
        return detached;
    }

    /** Keeps one assembled line unless it was already kept by an earlier stream. */
    private void keep(Instant timestamp, boolean stdErr, String text) {
        synchronized (this) {
            if (detached) {
                return; // detach() already took the resume point: this line belongs to the next attach
            }
            if (skipBefore != null) {
                int order = timestamp.compareTo(skipBefore);
                if (order < 0) {
                    return;
                }
                if (order == 0) {
                    if (stdErr && skipStderr > 0) {
                        skipStderr--;
                        return;
                    }
                    if (!stdErr && skipStdout > 0) {
                        skipStdout--;
                        return;
                    }
                }
            }
            if (lastTimestamp == null || timestamp.isAfter(lastTimestamp)) {
                lastTimestamp = timestamp;
                stdoutAtLast = 0;
                stderrAtLast = 0;
            }
            if (timestamp.equals(lastTimestamp)) {
                if (stdErr) {
                    stderrAtLast++;
                } else {
                    stdoutAtLast++;
                }
            }
            writer.offer(new LogMessage(null, text, timestamp, stdErr ? LogLevel.ERROR : LogLevel.INFO,
                    source, serviceId, serviceName, containerId, stdErr, false));
        }
    }

    private static String errorText(InputStream body) {
        try {
            byte[] bytes = body.readNBytes(512);
            return new String(bytes, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static void closeQuietly(DockerHttpClient.Response response) {
        try {
            response.close();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing a log stream failed", e);
        }
    }
}

package io.containerlogging.docker;

import io.containerlogging.core.AttachedContainer;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogSource;
import io.containerlogging.core.structure.StructureStage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.LockSupport;

/**
 * One attached container: opens its log stream through the raw Engine API, or reads its
 * {@code json-file} log from disk where {@link LogFiles} says it can ({@link LogFileReader}: the
 * same lines, through the same assembler and resume marks), reads it on its own
 * thread, and remembers how far it got so that a reopened stream (after a stop/start, a restart,
 * a broken connection, a detach and re-attach) neither repeats nor skips a line.
 *
 * <p>Resume rule, per stream (stdout, stderr): remember the newest kept timestamp T and how many
 * kept lines carry exactly T. On reopening, request a <em>fractional</em> {@code since} (the
 * engine treats it as inclusive) no later than either stream's T; then drop a stream's lines
 * stamped before its T, and of those stamped exactly T skip as many as were kept. Per stream,
 * timestamps increase in log order, so this is exact; across streams they need not (two copiers
 * stamp them), which is why the positions are kept per stream. Docker stamps with nanoseconds and
 * lines sharing a stamp are rare (a 16 KiB line's pieces share one, but they become one line
 * here), yet counting instead of dropping everything at T keeps even those exactly once.
 *
 * <p>Structure: each kept line goes through a per-stream multiline {@link StructureStage.Grouper}
 * to the writer, whose thread applies the {@link StructureStage} (fields, level, redaction). A grouper holds
 * lines the monitor has marked as kept but not yet handed to the backend; the backend's read
 * checkpoint only moves with what it stores, and a grouped message carries its last line's
 * timestamp (the grouper never puts two lines with one timestamp into a message), so a checkpoint
 * is always the position right after a stored message's last line and a crash re-reads exactly
 * the held lines. The held lines are handed over when the stream ends, on detach, and by the
 * {@link MultilineFlusher} after the flush timeout, so this position (the resume point) is exact
 * whenever it is taken.
 *
 * <p>Thread-safety: the resume point, the groupers, the open response and the flags are guarded
 * by {@code this}; the reader thread takes the lock once per line so a detach never races a line
 * being kept.
 */
final class FollowedContainer implements AutoCloseable, MultilineFlusher.Flushable {

    // Docker's tail for a first read with nothing kept yet (FirstRead.lastLines), or -1.
    private final int firstTail;

    private static final System.Logger LOG = System.getLogger(FollowedContainer.class.getName());

    /**
     * How far one stream (stdout or stderr) got: the newest kept timestamp and how many kept lines
     * of that stream carry exactly it.
     */
    record StreamPosition(Instant timestamp, int linesAtTimestamp) {
    }

    /**
     * Where to resume: a position per stream, each null if nothing of that stream was kept; with
     * neither, {@code tail} lines from the end (Docker's {@code tail}), or from the first line if
     * {@code tail} is negative.
     */
    record ResumePoint(StreamPosition stdout, StreamPosition stderr, int tail) {
        ResumePoint(StreamPosition stdout, StreamPosition stderr) {
            this(stdout, stderr, -1);
        }

        /** Both streams from {@code since} on, inclusive. */
        static ResumePoint from(Instant since) {
            StreamPosition position = new StreamPosition(since, 0);
            return new ResumePoint(position, position);
        }

        /** The last {@code lines} lines of the container's log, then everything after them. */
        static ResumePoint lastLines(int lines) {
            return new ResumePoint(null, null, lines);
        }
    }

    /**
     * How far below the other stream's position a stream with nothing kept yet is read from. The
     * two streams are stamped by separate copiers in dockerd, so in the log file an entry of one
     * can sit after a slightly newer entry of the other; microseconds apart in practice.
     */
    static final java.time.Duration UNKNOWN_STREAM_SLACK = java.time.Duration.ofSeconds(1);

    /** How dockerd reports, inside an attach stream, an attach that failed after it began. */
    static final String ATTACH_ERROR = "Error attaching: ";

    /** Called by the reader thread when a stream ended. */
    interface EndListener {
        /**
         * @param container the container whose stream ended
         * @param completed true if the engine ended the stream (container stopped), false if it broke
         * @param status the HTTP status of the logs request (0 if none was received)
         * @param catchUp whether it was a one-shot catch-up read (see {@link #open(boolean)})
         */
        void streamEnded(FollowedContainer container, boolean completed, int status, boolean catchUp);
    }

    private final String containerId;
    private final boolean tty;
    private final boolean follow;
    private final boolean stdout;
    private final boolean stderr;
    private final LogStreams logStreams;
    private final BackendWriter writer;
    private final StructureStage stage;
    private final int maxLineLength;
    private final Clock clock;
    private final ThreadFactory threadFactory;
    private final EndListener endListener;
    private final LogFiles logFiles; // null: always through the API

    private volatile Integer serviceId;
    private volatile String serviceName;
    private volatile LogSource source;
    // Messages handed to the writer since this container was attached, for metrics.
    private final java.util.concurrent.atomic.AtomicLong messages = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong dropped = new java.util.concurrent.atomic.AtomicLong();

    // guarded by this
    private boolean streaming;
    private boolean detached;
    private Thread fileReader; // the reader thread while it reads the log file
    // the container stopped since the current stream began (from its die event)
    private volatile boolean stopRequested;
    private volatile boolean detachedFlag; // detached, for the file reader's checks without the lock
    // Reading through the attach API (an AutoRemove container attached at creation): one stream,
    // opened once, without timestamps. Switched off for good when the container runs again.
    private boolean live;
    private boolean liveOpened;
    private LogStreams.Response response;
    private final ResumeMark stdoutMark = new ResumeMark();
    private final ResumeMark stderrMark = new ResumeMark();
    // the current stream's groupers, [0] stdout and [1] stderr; null while no stream is open
    private StructureStage.Grouper[] groupers;

    FollowedContainer(String containerId, boolean tty, boolean follow, boolean stdout, boolean stderr,
            Integer serviceId, String serviceName, ResumePoint resumeFrom, boolean live, LogStreams logStreams,
            BackendWriter writer, StructureStage stage, int maxLineLength, Clock clock, ThreadFactory threadFactory,
            EndListener endListener, LogFiles logFiles) {
        this.containerId = containerId;
        this.tty = tty;
        this.follow = follow;
        this.stdout = stdout;
        this.stderr = stderr;
        this.logStreams = logStreams;
        this.live = live;
        this.writer = writer;
        this.stage = stage;
        this.maxLineLength = maxLineLength;
        this.clock = clock;
        this.threadFactory = threadFactory;
        this.endListener = endListener;
        this.logFiles = logFiles;
        service(serviceId, serviceName);
        this.firstTail = resumeFrom == null ? -1 : resumeFrom.tail();
        if (resumeFrom != null) {
            stdoutMark.set(resumeFrom.stdout());
            stderrMark.set(resumeFrom.stderr());
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

    /** Messages of this container handed to the writer since it was attached (after grouping). */
    long messages() {
        return messages.get();
    }

    /** Of {@link #messages()}, those the full queue in front of the backend dropped. */
    long dropped() {
        return dropped.get();
    }

    AttachedContainer describe() {
        return new AttachedContainer(containerId, serviceId, serviceName);
    }

    synchronized ResumePoint resumePoint() {
        if (stdoutMark.last == null && stderrMark.last == null) {
            return null;
        }
        return new ResumePoint(stdoutMark.position(), stderrMark.position());
    }

    /**
     * Opens the log stream from the resume point on a new reader thread, unless one is open or
     * the container was detached.
     *
     * @return true if a stream was opened
     */
    boolean open() {
        return open(false);
    }

    /**
     * Like {@link #open()}; with {@code catchUp}, reads what is stored from the resume point to
     * the end without following. dockerd may end a follow stream at container exit before it has
     * sent the very last entries it wrote, so a stopped container gets one such read.
     */
    synchronized boolean open(boolean catchUp) {
        if (detached || streaming || (live && liveOpened)) {
            return false;
        }
        streaming = true;
        stdoutMark.startStream();
        stderrMark.startStream();
        flushGroups();
        groupers = new StructureStage.Grouper[] {
            stage.grouper(serviceName, (timestamp, text, lines) -> store(timestamp, false, text)),
            stage.grouper(serviceName, (timestamp, text, lines) -> store(timestamp, true, text))};
        String method;
        String path;
        if (live) {
            liveOpened = true;
            method = "POST";
            path = "/containers/" + containerId + "/attach?stream=1&logs=1"
                    + "&stdout=" + (stdout ? 1 : 0)
                    + "&stderr=" + (stderr ? 1 : 0);
        } else {
            method = "GET";
            path = logsPath(catchUp);
        }
        boolean timestamped = !live;
        // a first read of the last N lines (Docker's tail) has no time to start from in a file
        boolean fromFile = !live && logFiles != null && !(since() == null && firstTail >= 0);
        Thread reader = threadFactory.newThread(() -> read(method, path, timestamped, catchUp, fromFile));
        reader.start();
        return true;
    }

    /** Whether this container is read through the attach API (see {@link ContainerLogMonitor}). */
    synchronized boolean isLive() {
        return live;
    }

    synchronized boolean isStreaming() {
        return streaming;
    }

    /**
     * Reads this container from its log from now on: from its first line, skipping per stream
     * as many lines as the attach stream delivered (its lines carry our clock's time, not
     * Docker's, so a timestamp cannot say where to resume; counting can, as both see the same
     * lines). For an attach-API container that runs again, or whose attach stream broke.
     */
    synchronized void switchToLogs() {
        if (!live) {
            return;
        }
        live = false;
        stdoutMark.skipKeptOnOpen();
        stderrMark.skipKeptOnOpen();
    }

    /**
     * The container stopped (its die event): a reader of its log file reads to the end and ends
     * the stream, as dockerd ends a follow stream when the container stops.
     */
    void containerStopped() {
        Thread reader;
        synchronized (this) {
            stopRequested = true;
            reader = fileReader;
        }
        if (reader != null) {
            LockSupport.unpark(reader);
        }
    }

    /** Stops the stream for good; returns where a later attach should resume. Idempotent. */
    ResumePoint detach() {
        LogStreams.Response open;
        ResumePoint point;
        Thread reader;
        synchronized (this) {
            flushGroups(); // what the groupers hold was kept: store it before the resume point is taken
            detached = true;
            detachedFlag = true;
            open = response;
            response = null;
            reader = fileReader;
            point = resumePoint();
        }
        if (reader != null) {
            LockSupport.unpark(reader); // a napping file reader sees the detach at once
        }
        if (open != null) {
            closeQuietly(open); // unblocks the reader: its read fails and it ends
        }
        return point;
    }

    /** {@link #detach()}: stops the stream for good. */
    @Override
    public void close() {
        detach();
    }

    /**
     * Where the engine should start: early enough for both streams. Each stream's own position
     * then filters exactly (per stream, timestamps increase in file order).
     */
    private Instant since() {
        Instant out = stdoutMark.last;
        Instant err = stderrMark.last;
        if ((out == null && stdoutMark.skipOnOpen > 0) || (err == null && stderrMark.skipOnOpen > 0)) {
            return null; // a stream skips its first lines by count: it must be read from the start
        }
        if (out == null && err == null) {
            return null;
        }
        if (out == null || err == null) {
            Instant known = out != null ? out : err;
            // with a TTY or one stream selected, the other stream has nothing to lose
            return stdout && stderr && !tty ? known.minus(UNKNOWN_STREAM_SLACK) : known;
        }
        return out.isBefore(err) ? out : err;
    }

    /** The Engine API's {@code since}: seconds and nanoseconds, which it compares inclusively. */
    static String engineTime(Instant instant) {
        String nanos = Integer.toString(instant.getNano());
        return instant.getEpochSecond() + "." + "000000000".substring(nanos.length()) + nanos;
    }

    private void read(String method, String path, boolean timestamped, boolean catchUp, boolean fromFile) {
        boolean completed = false;
        int status = 0;
        LogStreams.Response opened = null;
        try {
            LineAssembler assembler = new LineAssembler(maxLineLength, timestamped, clock, this::keep);
            if (fromFile) {
                LogFileReader.Outcome outcome = readFile(assembler, catchUp);
                if (outcome == LogFileReader.Outcome.END) {
                    status = 200;
                    completed = true;
                    return;
                }
                if (outcome == LogFileReader.Outcome.STOPPED) {
                    return;
                }
                path = apiPathFromMarks(catchUp); // FALLBACK: the API from what the file gave
            } else if (logFiles != null && timestamped) {
                logFiles.apiStreams.incrementAndGet();
            }
            opened = logStreams.open(method, path);
            synchronized (this) {
                if (detached) {
                    return;
                }
                response = opened;
            }
            status = opened.status();
            if (status != 200) {
                LOG.log(System.Logger.Level.WARNING, "logs of container {0} unavailable: HTTP {1} {2}",
                        containerId, status, errorText(opened.body()));
                return;
            }
            new LogStreamDecoder(tty, assembler).readAll(opened.body());
            completed = true;
        } catch (IOException | RuntimeException e) {
            if (!isDetached()) {
                LOG.log(System.Logger.Level.DEBUG, "log stream of container " + containerId + " broke", e);
            }
        } finally {
            synchronized (this) {
                flushGroups();
                streaming = false;
                response = null;
            }
            if (opened != null) {
                closeQuietly(opened);
            }
            if (!isDetached()) {
                endListener.streamEnded(this, completed, status, catchUp);
            }
        }
    }

    private synchronized boolean isDetached() {
        return detached;
    }

    /**
     * Reads the container's json-file log if it can be, else says {@code FALLBACK}. The stop
     * signal is reset before the engine is asked whether the container runs, so a stop after the
     * answer is heard.
     */
    private LogFileReader.Outcome readFile(LineAssembler assembler, boolean catchUp) {
        stopRequested = false;
        LogFiles.Located located = logFiles.locate(containerId);
        if (located == null) {
            logFiles.apiStreams.incrementAndGet();
            return LogFileReader.Outcome.FALLBACK;
        }
        synchronized (this) {
            if (detached) {
                return LogFileReader.Outcome.STOPPED;
            }
            fileReader = Thread.currentThread();
        }
        logFiles.fileStreams.incrementAndGet();
        try {
            LogFileReader.Outcome outcome = new LogFileReader(new LogFileSet(located.path()), stdout, stderr,
                    assembler, new LogFileReader.Host() {
                        @Override
                        public Instant restart() {
                            synchronized (FollowedContainer.this) {
                                stdoutMark.startStream();
                                stderrMark.startStream();
                                return since();
                            }
                        }

                        @Override
                        public boolean stopRequested() {
                            return stopRequested;
                        }

                        @Override
                        public boolean detached() {
                            return detachedFlag;
                        }
                    }, logFiles.skippedLines).read(follow && !catchUp && located.running());
            if (outcome == LogFileReader.Outcome.FALLBACK) {
                logFiles.fallbacks.incrementAndGet();
                LOG.log(System.Logger.Level.INFO, "reading the log file of container {0} through the Engine API"
                        + " from now on: the file could not be followed exactly", containerId);
            }
            return outcome;
        } finally {
            synchronized (this) {
                fileReader = null;
            }
        }
    }

    /** The logs request from the marks kept so far, resetting the resume filters to them. */
    private synchronized String apiPathFromMarks(boolean catchUp) {
        stdoutMark.startStream();
        stderrMark.startStream();
        return logsPath(catchUp);
    }

    /** The logs request from the marks. Called with the lock held. */
    private String logsPath(boolean catchUp) {
        Instant since = since();
        return "/containers/" + containerId + "/logs?timestamps=1"
                + "&follow=" + (follow && !catchUp ? 1 : 0)
                + "&stdout=" + (stdout ? 1 : 0)
                + "&stderr=" + (stderr ? 1 : 0)
                + (since == null ? "" : "&since=" + engineTime(since))
                + (since == null && firstTail >= 0 ? "&tail=" + firstTail : "");
    }

    /** Keeps one assembled line unless it was already kept by an earlier stream. */
    private void keep(Instant timestamp, boolean stdErr, String text) {
        synchronized (this) {
            if (detached) {
                return; // detach() already took the resume point: this line belongs to the next attach
            }
            if (live && !stdErr && text.startsWith(ATTACH_ERROR)) {
                // dockerd writes an attach that failed after it began (e.g. the container's log
                // file was deleted under it) into the stream itself: not the container's line
                writer.offer(LogMessage.system("reading container " + containerId + " through the attach API failed: "
                        + text.substring(ATTACH_ERROR.length()), LogLevel.WARN, timestamp));
                return;
            }
            if (!(stdErr ? stderrMark : stdoutMark).keep(timestamp)) {
                return;
            }
            StructureStage.Grouper grouper = groupers == null ? null : groupers[stdErr ? 1 : 0];
            if (grouper == null) {
                store(timestamp, stdErr, text);
            } else {
                grouper.add(timestamp, text, System.nanoTime());
            }
        }
    }

    /** Hands one (possibly grouped) message to the writer. Called with the lock held. */
    private void store(Instant timestamp, boolean stdErr, String text) {
        messages.incrementAndGet();
        if (!writer.offer(new LogMessage(null, text, timestamp, stdErr ? LogLevel.ERROR : LogLevel.INFO,
                source, serviceId, serviceName, containerId, stdErr, false, null))) {
            dropped.incrementAndGet();
        }
    }

    /** Hands over whatever the groupers hold. Called with the lock held. */
    private void flushGroups() {
        if (groupers != null) {
            groupers[0].flush();
            groupers[1].flush();
        }
    }

    /** Hands over the groups whose newest line has waited the flush timeout (see {@link MultilineFlusher}). */
    @Override
    public synchronized void flushIdle(long nowNanos) {
        if (groupers != null && !detached) {
            groupers[0].flushIfIdle(nowNanos);
            groupers[1].flushIfIdle(nowNanos);
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

    private static void closeQuietly(LogStreams.Response response) {
        try {
            response.close();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing a log stream failed", e);
        }
    }
}

package io.containerlogging.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.transport.DockerHttpClient;
import io.containerlogging.core.AttachOptions;
import io.containerlogging.core.AttachedContainer;
import io.containerlogging.core.ContainerAttacher;
import io.containerlogging.core.ContainerNotFoundException;
import io.containerlogging.core.LogBackend;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.spi.DaemonThreads;
import io.containerlogging.core.spi.SettingChecks;
import io.containerlogging.core.structure.StructureOptions;
import io.containerlogging.core.structure.StructureStage;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;

/**
 * Collects the stdout and stderr of Docker containers into a {@link LogBackend}, and stores the
 * host application's own system and manager events next to them.
 *
 * <p>Containers are attached by hand ({@link #attach}) or automatically ({@link #start}: every
 * running container now, then every container that starts later, via Docker's events stream). An
 * attached container's stream is reopened whenever the container starts again, and resumes exactly
 * after the last line kept, so a line is stored once even across stop/start, restarts, detach and
 * re-attach, a broken connection, and a new monitor on the same persisted backend, which resumes
 * from the backend's durable read checkpoint ({@link LogBackend#readPosition}), however much of the
 * container's lines the backend evicted or cleaned up. A container the backend has no checkpoint
 * for is read as {@link Builder#firstRead(FirstRead)} says: by default from the later of its start
 * and 24 hours ago, so short-lived containers lose nothing.
 *
 * <p>Each line: the level its content names (a JSON or logfmt level key, a text convention such as
 * {@code [ERROR]}), else {@code info} from stdout and {@code error} from stderr ({@code isStdErr});
 * JSON and logfmt lines with their {@code fields}; the lines of a stack trace grouped into one
 * message; secrets redacted if configured (see {@link Builder#structure(StructureOptions)});
 * TTY output as stdout, Docker's timestamp at full precision, no timestamp prefix, no trailing
 * newline or CR; lines longer than 16 KiB rejoined from dockerd's pieces, up to
 * {@link Builder#maxLineLength(int)} bytes (the rest is dropped and the text marked
 * {@code [truncated N bytes]}). Lines pass through a bounded buffer to one writer thread, so a slow
 * backend never blocks a Docker stream; on overflow lines are dropped, counted
 * ({@link #statistics()}) and reported as a system message "suppressed N messages".
 *
 * <p>Threads: one reader per open container stream, one writer, one multiline flush timer, one
 * control thread for events,
 * reconnection and reconciliation (with {@link Builder#attachAtCreate(boolean)}, also one short-lived
 * thread per create event being handled); all daemon threads from the {@link Builder#threadFactory}.
 * Every open stream holds one connection of the Docker client's pool (see {@link DockerClients});
 * a monitor on a {@link DockerSocket} opens its own connections, and its events stream has a
 * thread of its own.
 *
 * <p>Two ways to the engine: a docker-java {@code DockerClient}
 * ({@link #builder(DockerClient, LogBackend)}), for any engine docker-java reaches, TLS and Docker
 * contexts included; or a {@link DockerSocket} ({@link #builder(DockerSocket, LogBackend)}) for a
 * unix-socket or plain-TCP engine, which loads no Docker client library at all (about 27 MB less
 * resident for a small host).
 *
 * <p>Thread-safety: all methods are thread-safe. {@link #close()} stops everything; the Docker
 * client and the backend belong to the caller and are not closed.
 */
public final class ContainerLogMonitor implements ContainerAttacher, AutoCloseable {

    /** Default {@link Builder#maxLineLength(int)}: 256 KiB. */
    public static final int DEFAULT_MAX_LINE_LENGTH = 256 * 1024;

    /**
     * Default {@link Builder#bufferSize(int)}: lines that may wait for the backend, 512 (one
     * batch). A reader that finds the buffer full waits, which pauses only its Docker stream
     * (dockerd keeps the lines); a larger buffer adds no speed and held up to ~2 MB of lines that
     * all outlived the garbage collector's young generation (issue 19: it was 10 000).
     */
    public static final int DEFAULT_BUFFER_SIZE = 512;

    /** Default {@link Builder#serviceNameLabels(List)}: the Docker Compose service label. */
    public static final List<String> DEFAULT_SERVICE_NAME_LABELS = List.of("com.docker.compose.service");

    /** Default {@link Builder#serviceIdLabels(List)}. */
    public static final List<String> DEFAULT_SERVICE_ID_LABELS = List.of("io.containerlogging.service-id");

    /** Default {@link Builder#maxReconnectDelay(Duration)}: the longest wait between event-stream reconnects. */
    public static final Duration DEFAULT_MAX_RECONNECT_DELAY = Duration.ofSeconds(5);

    /** How long a Docker stream reader waits for room in a full buffer before dropping: 2 s. */
    public static final Duration DEFAULT_OVERFLOW_WAIT = Duration.ofSeconds(2);

    /** Default {@link Builder#attachAtCreate(boolean)}: off. */
    public static final boolean DEFAULT_ATTACH_AT_CREATE = false;

    /** Default {@link Builder#readLogFiles(boolean)}: on, wherever the log files can be read. */
    public static final boolean DEFAULT_READ_LOG_FILES = true;

    /** Default {@link Builder#closeTimeout(Duration)}: how long {@link #close()} waits for the backend, 5 s. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(5);

    // the writer's wait is in whole milliseconds, and a wait of none would be one without end
    private static final Duration MIN_CLOSE_TIMEOUT = Duration.ofMillis(1);
    private static final System.Logger LOG = System.getLogger(ContainerLogMonitor.class.getName());
    // one numbering for the default threads of every monitor in the JVM
    private static final ThreadFactory DEFAULT_THREADS = DaemonThreads.factory("docker");

    private final Duration closeTimeout;
    private final DockerEngine engine;
    private final LogFiles logFiles;
    private final LogBackend backend;
    private final ServiceLabels serviceLabels;
    private final ManagerMessages messages;
    private final BackendWriter writer;
    private final StructureStage stage;
    private final MultilineFlusher flusher;
    private final ControlThread control;
    private final AttachRegistry registry;
    private final StreamEndPolicy streamEnds;
    private final AttachAtCreate createAttacher; // null unless attachAtCreate
    private final EventsWatcher events;

    /**
     * A monitor with every default; see {@link #builder(DockerClient, LogBackend)}.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code dockerClient} is not docker-java's
     *     {@code DockerClientImpl} (its HTTP transport is needed for exact resumes)
     */
    public ContainerLogMonitor(DockerClient dockerClient, LogBackend backend) {
        this(builder(dockerClient, backend));
    }

    private ContainerLogMonitor(Builder builder) {
        LogStreams logStreams = builder.socket != null ? builder.socket.streams()
                : LogStreams.forClient(builder.docker, builder.http);
        Clock clock = builder.clock;
        ThreadFactory threadFactory = builder.threadFactory;
        int maxLineLength = builder.maxLineLength;
        this.closeTimeout = builder.closeTimeout;
        this.engine = builder.socket != null ? builder.socket.engine(threadFactory)
                : new DockerJavaEngine(builder.docker);
        this.logFiles = new LogFiles(engine, builder.logFilePaths);
        LogFiles logFiles = builder.readLogFiles ? this.logFiles : null;
        this.backend = builder.backend;
        this.serviceLabels = new ServiceLabels(builder.serviceNameLabels, builder.serviceIdLabels);
        this.stage = new StructureStage(builder.structure);
        this.messages = new ManagerMessages(builder.backend, clock, builder.lifecycleEvents, stage);
        this.writer = new BackendWriter(builder.backend, stage, builder.bufferSize, builder.overflowWait, clock,
                threadFactory);
        this.control = new ControlThread(threadFactory);
        this.registry = new AttachRegistry(new CheckpointResumePoints(builder.backend, builder.firstRead, builder.clock),
                (a, from) -> new FollowedContainer(a.containerId(), a.tty(), a.follow(), a.stdout(), a.stderr(),
                        a.serviceId(), a.serviceName(), from, a.live(), logStreams, writer, stage, maxLineLength,
                        clock, threadFactory, this::streamEnded, logFiles),
                new AttachRegistry.Listener() {
                    @Override
                    public void attached(FollowedContainer container) {
                        messages.attached(container.describe());
                        if (container.follow()) {
                            events.ensureStarted();
                        }
                    }

                    @Override
                    public void detached(FollowedContainer container, boolean removed) {
                        messages.detached(container.describe(), removed);
                    }
                });
        this.flusher = new MultilineFlusher(builder.structure.flushTimeout(), registry::forEach, System::nanoTime,
                threadFactory);
        this.streamEnds = new StreamEndPolicy(registry, engine, control);
        this.createAttacher = builder.attachAtCreate
                ? new AttachAtCreate(engine, control, threadFactory, this::attachLive, this::attachQuietly)
                : null;
        this.events = new EventsWatcher(engine, control, registry, this::attachQuietly, createAttacher,
                builder.maxReconnectDelay);
    }

    /**
     * A builder for a monitor that reads from {@code dockerClient} and stores into {@code backend}.
     *
     * @throws NullPointerException if an argument is null
     */
    public static Builder builder(DockerClient dockerClient, LogBackend backend) {
        return new Builder(Objects.requireNonNull(dockerClient, "dockerClient"), null, backend);
    }

    /**
     * A builder for a monitor that talks to the engine at {@code engine} itself, with no Docker
     * client library loaded (see {@link DockerSocket}), and stores into {@code backend}.
     *
     * @throws NullPointerException if an argument is null
     */
    public static Builder builder(DockerSocket engine, LogBackend backend) {
        return new Builder(null, Objects.requireNonNull(engine, "engine"), backend);
    }

    /**
     * Starts automatic attachment: attaches every running container now (named by its labels, see
     * {@link Builder#serviceNameLabels}), then follows Docker's events to attach containers that
     * start later, re-attach restarted ones and detach destroyed ones (with
     * {@link Builder#attachAtCreate(boolean)}, AutoRemove containers already at their creation).
     * A broken events stream is
     * reconnected with backoff and followed by a reconciliation against the container list.
     * Calling it again does nothing.
     *
     * @throws IllegalStateException if the Docker engine cannot be reached (nothing is started) or
     *     the monitor is closed
     */
    public void start() {
        registry.ensureOpen();
        List<String> running = engine.runningIds();
        events.autoAttach();
        events.ensureStarted();
        for (String id : running) {
            attachQuietly(id);
        }
        // A container that exited while no monitor ran may have written lines after the last one
        // stored: read it from its checkpoint to its end (it then stays attached, as any stopped
        // container does, until it starts again or is removed).
        for (String id : engine.exitedIds()) {
            if (backend.readPosition(id, false).isPresent() || backend.readPosition(id, true).isPresent()) {
                attachQuietly(id);
            }
        }
        if (createAttacher != null && running.isEmpty()) {
            // The first container attached at its creation must not wait for docker-java to
            // warm up: attaching running containers does that, without any an inspect does.
            engine.warmUpInspect();
        }
    }

    /**
     * Attaches to a container; see {@link ContainerAttacher#attach}. Without
     * {@link AttachOptions#since()}, resumes after the newest line this monitor kept for the
     * container, else after the newest line the backend holds for it, else from the container's
     * first line. Without a service name, derives one from the labels, else the container name.
     *
     * @throws ContainerNotFoundException if no such container exists
     * @throws IllegalStateException if the Docker engine cannot be reached or the monitor is closed
     */
    @Override
    public AttachedContainer attach(AttachOptions options) {
        Objects.requireNonNull(options, "options");
        registry.ensureOpen();
        return attach(engine.inspect(options.containerId()), options, false);
    }

    /**
     * @param live read through the attach API from the container's start on, not from its log
     *     (see {@link AttachAtCreate})
     */
    private AttachedContainer attach(DockerEngine.ContainerInfo info, AttachOptions options, boolean live) {
        String serviceName = options.serviceName() != null ? options.serviceName()
                : serviceLabels.serviceName(info.labels(), info.name(), info.id());
        Integer serviceId = options.serviceId() != null ? options.serviceId() : serviceLabels.serviceId(info.labels());
        return registry.attach(new AttachRegistry.Attachment(info.id(), info.tty(), options.follow(),
                options.stdout(), options.stderr(), serviceId, serviceName, options.since(), live));
    }

    private void attachLive(DockerEngine.ContainerInfo info) {
        attach(info, AttachOptions.builder(info.id()).build(), true);
    }

    // the registry makes streams before the policy exists, which needs the registry
    private void streamEnded(FollowedContainer container, boolean completed, int status, boolean catchUp) {
        streamEnds.streamEnded(container, completed, status, catchUp);
    }

    private void attachQuietly(String containerId) {
        if (registry.isClosed() || registry.contains(containerId)) {
            return;
        }
        try {
            attach(AttachOptions.builder(containerId).build());
        } catch (ContainerNotFoundException e) {
            LOG.log(System.Logger.Level.DEBUG, "container {0} vanished before it could be attached", containerId);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "could not attach container " + containerId, e);
        }
    }

    /**
     * Stops collecting a container's logs; lines it writes meanwhile are collected by a later
     * {@link #attach} of this monitor.
     *
     * @param containerId a full id or a unique prefix of an attached container, or its name
     * @return true if it was attached
     */
    @Override
    public boolean detach(String containerId) {
        Objects.requireNonNull(containerId, "containerId");
        if (registry.detach(containerId)) {
            return true;
        }
        if (registry.isClosed() || registry.isEmpty()) {
            return false;
        }
        // perhaps a container name: ask Docker for the id (outside the lock, it is a remote call)
        String id = engine.idOf(containerId);
        FollowedContainer container = id == null ? null : registry.get(id);
        return container != null && registry.detach(container);
    }

    /** The containers currently attached, in no particular order. */
    @Override
    public List<AttachedContainer> attachedContainers() {
        return registry.describeAll();
    }

    /**
     * How many messages each container attached now has produced since it was attached: lines read
     * from Docker after multiline grouping, as handed on towards the backend (a line the queue then
     * drops is counted here, and in {@link #statistics()}{@code .dropped()} for all containers
     * together). A container attached again starts from 0. For metrics; one counter per followed
     * container, no extra thread.
     *
     * @return a snapshot, by container
     */
    public Map<AttachedContainer, Long> messageCounts() {
        return registry.messageCounts();
    }

    /**
     * How many of each attached container's {@link #messageCounts() messages} the full queue in
     * front of the backend dropped since it was attached (they add up to
     * {@link #statistics()}{@code .dropped()} but for containers detached since). For metrics.
     *
     * @return a snapshot, by container
     */
    public Map<AttachedContainer, Long> droppedCounts() {
        return registry.droppedCounts();
    }

    /**
     * Stores a system message (source {@code system}, {@code isSystem} true) with the current time.
     *
     * @throws NullPointerException if an argument is null
     */
    public void logSystemMessage(String message, LogLevel level) {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(level, "level");
        messages.system(message, level);
    }

    /**
     * Stores a container-manager event (source {@code manager}, {@code isSystem} true). The stored
     * text is the event name followed by the details as one JSON object, e.g.
     * {@code reconciliation-complete {"apps":3,"services":7}}, so both can be read and searched;
     * without details it is the event name alone. Detail values may be strings, numbers, booleans,
     * null, maps and collections; anything else is written as its {@code toString()}.
     *
     * @param details the event's details, or null or empty for none
     * @throws NullPointerException if {@code event} or {@code level} is null
     */
    public void logManagerEvent(String event, Map<String, ?> details, LogLevel level) {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(level, "level");
        messages.managerEvent(event, details, level);
    }

    /**
     * What the monitor has done so far: containers attached, lines dropped and queued.
     *
     * @return a snapshot of the counters
     */
    public MonitorStatistics statistics() {
        return new MonitorStatistics(attachedContainers().size(), writer.dropped(), writer.pending(),
                stage.redactions(), logFiles.fileStreams.get(), logFiles.apiStreams.get(), logFiles.fallbacks.get(),
                logFiles.skippedLines.get());
    }

    /**
     * Whether the Docker events stream is connected; false before the first {@link #attach} or
     * {@link #start}, and while reconnecting (for instance while dockerd restarts).
     */
    public boolean isEventsConnected() {
        return events.isConnected();
    }

    /**
     * Stops every stream and thread, stores the lines already read (waiting up to the
     * {@link Builder#closeTimeout(Duration)} for the backend), and reports any drops. The Docker
     * client and the backend stay open. Idempotent.
     */
    @Override
    public void close() {
        if (!registry.closeOnce()) {
            return;
        }
        flusher.close(); // the containers were detached above, handing over what their groupers held
        events.close();
        if (createAttacher != null) {
            createAttacher.close();
        }
        control.close(min(ControlThread.STOP_WAIT, closeTimeout));
        writer.close(closeTimeout);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /**
     * Test hook: breaks the events stream as a dockerd restart would. The usual reconnection with
     * backoff and reconciliation follows, unless {@code holdReconnect}, in which case it waits for
     * {@link #releaseEventsStream()} (so a test can change things while nobody listens).
     */
    void breakEventsStream(boolean holdReconnect) {
        events.breakStream(holdReconnect);
    }

    /** Test hook: lets a reconnection held by {@link #breakEventsStream(boolean)} happen now. */
    void releaseEventsStream() {
        events.releaseStream();
    }

    /**
     * Configures a {@link ContainerLogMonitor}. Every setting has a default (the constants of
     * {@link ContainerLogMonitor}); invalid values fail here, naming the value. Not thread-safe.
     */
    public static final class Builder {
        private final DockerClient docker; // null if socket is set
        private final DockerSocket socket;
        private final LogBackend backend;
        private DockerHttpClient http;
        private int maxLineLength = DEFAULT_MAX_LINE_LENGTH;
        private int bufferSize = DEFAULT_BUFFER_SIZE;
        private List<String> serviceNameLabels = DEFAULT_SERVICE_NAME_LABELS;
        private List<String> serviceIdLabels = DEFAULT_SERVICE_ID_LABELS;
        private Duration maxReconnectDelay = DEFAULT_MAX_RECONNECT_DELAY;
        private boolean lifecycleEvents;
        private boolean attachAtCreate = DEFAULT_ATTACH_AT_CREATE;
        private Duration overflowWait = DEFAULT_OVERFLOW_WAIT;
        private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
        private FirstRead firstRead = FirstRead.DEFAULT;
        private StructureOptions structure = StructureOptions.defaults();
        private Clock clock = Clock.systemUTC();
        private ThreadFactory threadFactory = DEFAULT_THREADS;
        private boolean readLogFiles = DEFAULT_READ_LOG_FILES;
        private java.util.function.UnaryOperator<java.nio.file.Path> logFilePaths = path -> path;

        private Builder(DockerClient docker, DockerSocket socket, LogBackend backend) {
            this.docker = docker;
            this.socket = socket;
            this.backend = Objects.requireNonNull(backend, "backend");
        }

        /**
         * The longest line kept, in UTF-8 bytes (default {@link #DEFAULT_MAX_LINE_LENGTH}); beyond
         * it a line is truncated and marked, never buffered.
         */
        public Builder maxLineLength(int maxLineLength) {
            if (maxLineLength < 1) {
                throw new IllegalArgumentException("maxLineLength must be >= 1, was " + maxLineLength);
            }
            this.maxLineLength = maxLineLength;
            return this;
        }

        /** Lines that may wait for the backend before new ones are dropped (default {@link #DEFAULT_BUFFER_SIZE}). */
        public Builder bufferSize(int bufferSize) {
            if (bufferSize < 1) {
                throw new IllegalArgumentException("bufferSize must be >= 1, was " + bufferSize);
            }
            this.bufferSize = bufferSize;
            return this;
        }

        /**
         * Labels whose value names a container's service, first present wins; else the container
         * name without its leading {@code /} (default {@link #DEFAULT_SERVICE_NAME_LABELS}).
         */
        public Builder serviceNameLabels(List<String> labels) {
            this.serviceNameLabels = ServiceLabels.checked(labels, "serviceNameLabels");
            return this;
        }

        /**
         * Labels whose integer value is a container's service id, first present wins (default
         * {@link #DEFAULT_SERVICE_ID_LABELS}).
         */
        public Builder serviceIdLabels(List<String> labels) {
            this.serviceIdLabels = ServiceLabels.checked(labels, "serviceIdLabels");
            return this;
        }

        /**
         * How long a Docker stream reader waits for room when the buffer is full before it
         * drops lines (default {@link #DEFAULT_OVERFLOW_WAIT}). Waiting pauses only that
         * container's log stream; dockerd keeps its lines meanwhile, so a backend that falls
         * behind for less than this loses nothing. After one wait has run out, lines are
         * dropped at once until the backend has caught up. Zero drops at once, always.
         *
         * @throws IllegalArgumentException if negative
         */
        public Builder overflowWait(Duration overflowWait) {
            this.overflowWait = SettingChecks.notNegative(overflowWait, "overflowWait");
            return this;
        }

        /**
         * Whether to record every attach and detach as a manager event
         * ({@code container-attached {"containerId":…,"serviceName":…}}, {@code container-detached …});
         * default false.
         */
        public Builder lifecycleEvents(boolean lifecycleEvents) {
            this.lifecycleEvents = lifecycleEvents;
            return this;
        }

        /**
         * Whether, in auto-attach mode ({@link ContainerLogMonitor#start()}), containers created
         * with AutoRemove ({@code docker run --rm}) are attached at their creation through the
         * attach API instead of at their start through the log API (default
         * {@link #DEFAULT_ATTACH_AT_CREATE}, off).
         *
         * <p>Why: dockerd deletes such a container, log file and all, as soon as it exits, so one
         * that exits within milliseconds is usually gone before its log can be read.
         *
         * <p>Why it is off: it trades that loss for two rarer faults that dockerd causes, not us.
         * An attach that takes hold while the container already runs makes dockerd replay the
         * log so far before the live output, and output written during that hand-over can come
         * twice. And reading the log of an exited AutoRemove container while dockerd deletes it
         * makes dockerd recreate its log file, so the removal fails and the container is left
         * {@code Dead} until {@code docker rm -f}. Lines read this way carry their arrival time
         * (the attach API has no timestamps). How often each happens: {@code docs/docker-notes.md}.
         */
        public Builder attachAtCreate(boolean attachAtCreate) {
            this.attachAtCreate = attachAtCreate;
            return this;
        }

        /** The longest wait between reconnection attempts of the events stream (default {@link #DEFAULT_MAX_RECONNECT_DELAY}). */
        public Builder maxReconnectDelay(Duration maxReconnectDelay) {
            Objects.requireNonNull(maxReconnectDelay, "maxReconnectDelay");
            if (maxReconnectDelay.compareTo(EventsWatcher.MIN_RECONNECT_DELAY) < 0) {
                throw new IllegalArgumentException("maxReconnectDelay must be >= " + EventsWatcher.MIN_RECONNECT_DELAY
                        + ", was " + maxReconnectDelay);
            }
            this.maxReconnectDelay = maxReconnectDelay;
            return this;
        }

        /**
         * How long {@link ContainerLogMonitor#close()} waits for the backend to store the lines
         * already read (default {@link #DEFAULT_CLOSE_TIMEOUT}); lines still waiting after it are
         * not stored. It also bounds the wait for the control thread.
         *
         * @throws IllegalArgumentException if shorter than a millisecond
         */
        public Builder closeTimeout(Duration closeTimeout) {
            Objects.requireNonNull(closeTimeout, "closeTimeout");
            if (closeTimeout.compareTo(MIN_CLOSE_TIMEOUT) < 0) {
                throw new IllegalArgumentException("closeTimeout must be >= " + MIN_CLOSE_TIMEOUT + ", was " + closeTimeout);
            }
            this.closeTimeout = closeTimeout;
            return this;
        }

        /**
         * Where to start reading a container the backend has no read checkpoint for (default
         * {@link FirstRead#DEFAULT}: the last 24 hours, from the container's start if younger).
         * Containers with a checkpoint always resume right after it.
         *
         * @param firstRead e.g. {@code FirstRead.window(Duration.ofHours(1))}, {@code FirstRead.fromNow()}
         *     or {@code FirstRead.lastLines(100)}
         * @return this builder
         */
        public Builder firstRead(FirstRead firstRead) {
            this.firstRead = Objects.requireNonNull(firstRead, "firstRead");
            return this;
        }

        /**
         * What happens to container lines between reading and storing them (default
         * {@link StructureOptions#defaults()}: JSON and logfmt fields, levels from the content,
         * multiline grouping of stack traces for every service with a 200 ms flush timeout, no
         * redaction). {@link StructureOptions#off()} stores every line as read, levelled by its
         * stream. Redaction rules apply to system and manager messages too.
         *
         * @throws NullPointerException if null
         */
        public Builder structure(StructureOptions structure) {
            this.structure = Objects.requireNonNull(structure, "structure");
            return this;
        }

        /** The clock of system and manager messages and of the first-read window (default the system UTC clock). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Where the monitor's threads come from (default daemon threads named
         * {@code container-logging-docker-N}). The threads of a given factory are used as they
         * come, never renamed.
         */
        public Builder threadFactory(ThreadFactory threadFactory) {
            this.threadFactory = Objects.requireNonNull(threadFactory, "threadFactory");
            return this;
        }

        /**
         * Whether containers with the {@code json-file} log driver are read from their log files
         * on this host instead of through the Engine API (default {@link #DEFAULT_READ_LOG_FILES},
         * on). It applies where dockerd runs on this machine and the files under its
         * {@code LogPath} are readable (usually: the monitor runs as root, or is given read
         * access to {@code /var/lib/docker/containers}); other containers, other log drivers, a
         * first read of the last N lines ({@link FirstRead#lastLines}) and anything the files
         * cannot give exactly are read through the API as before. The result is the same either
         * way (lines, timestamps, resume points); reading the files costs dockerd nothing and
         * this process far less. {@link #statistics()} counts which way each stream went.
         * See {@code docs/log-files.md}.
         */
        public Builder readLogFiles(boolean readLogFiles) {
            this.readLogFiles = readLogFiles;
            return this;
        }

        /** Test hook: maps the {@code LogPath} dockerd reports to the path read. */
        Builder logFilePaths(java.util.function.UnaryOperator<java.nio.file.Path> logFilePaths) {
            this.logFilePaths = Objects.requireNonNull(logFilePaths, "logFilePaths");
            return this;
        }

        /**
         * The raw transport for log streams; needed only if the Docker client is not docker-java's
         * {@code DockerClientImpl} (whose transport is used by default). Not for a monitor on a
         * {@link DockerSocket}, which reads its streams over the socket.
         *
         * @throws IllegalStateException if this builder was made for a {@link DockerSocket}
         */
        public Builder httpClient(DockerHttpClient httpClient) {
            if (socket != null) {
                throw new IllegalStateException("httpClient(...) is for a docker-java client, not for " + socket);
            }
            this.http = Objects.requireNonNull(httpClient, "httpClient");
            return this;
        }

        /**
         * Builds the monitor (its writer and multiline flush-timer threads start; nothing contacts Docker yet).
         *
         * @throws IllegalArgumentException if no raw transport is known (see {@link #httpClient})
         */
        public ContainerLogMonitor build() {
            return new ContainerLogMonitor(this);
        }
    }
}

package io.containerlogging.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.transport.DockerHttpClient;
import com.google.gson.stream.JsonWriter;
import io.containerlogging.core.AttachOptions;
import io.containerlogging.core.AttachedContainer;
import io.containerlogging.core.ContainerAttacher;
import io.containerlogging.core.ContainerNotFoundException;
import io.containerlogging.core.LogBackend;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.core.SourceType;
import java.io.Closeable;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Collects the stdout and stderr of Docker containers into a {@link LogBackend}, and stores the
 * host application's own system and manager events next to them.
 *
 * <p>Containers are attached by hand ({@link #attach}) or automatically ({@link #start}: every
 * running container now, then every container that starts later, via Docker's events stream). An
 * attached container's stream is reopened whenever the container starts again, and resumes exactly
 * after the last line kept, so a line is stored once even across stop/start, restarts, detach and
 * re-attach, a broken connection, and a new monitor on the same persisted backend (which resumes
 * from the newest timestamp the backend holds for the container). Short-lived containers lose
 * nothing: a first attach reads the container's log from its beginning.
 *
 * <p>Each line: level {@code info} from stdout and {@code error} from stderr ({@code isStdErr}),
 * TTY output as stdout, Docker's timestamp at full precision, no timestamp prefix, no trailing
 * newline or CR; lines longer than 16 KiB rejoined from dockerd's pieces, up to
 * {@link Builder#maxLineLength(int)} bytes (the rest is dropped and the text marked
 * {@code [truncated N bytes]}). Lines pass through a bounded buffer to one writer thread, so a slow
 * backend never blocks a Docker stream; on overflow lines are dropped, counted
 * ({@link #droppedMessages()}) and reported as a system message "suppressed N messages".
 *
 * <p>Threads: one reader per open container stream, one writer, one control thread for events,
 * reconnection and reconciliation; all daemon threads from the {@link Builder#threadFactory}.
 * Every open stream holds one connection of the Docker client's pool (see {@link DockerClients}).
 *
 * <p>Thread-safety: all methods are thread-safe. {@link #close()} stops everything; the Docker
 * client and the backend belong to the caller and are not closed.
 */
public final class ContainerLogMonitor implements ContainerAttacher, AutoCloseable {

    /** Default {@link Builder#maxLineLength(int)}: 256 KiB. */
    public static final int DEFAULT_MAX_LINE_LENGTH = 256 * 1024;

    /** Default {@link Builder#bufferSize(int)}: lines that may wait for the backend. */
    public static final int DEFAULT_BUFFER_SIZE = 10_000;

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

    private static final System.Logger LOG = System.getLogger(ContainerLogMonitor.class.getName());
    private static final Duration MIN_RECONNECT_DELAY = Duration.ofMillis(100);
    private static final Duration BROKEN_STREAM_RETRY = Duration.ofMillis(500);
    private static final Duration LIVE_STREAM_GRACE = Duration.ofSeconds(5);
    private static final AtomicInteger THREAD_NUMBER = new AtomicInteger();

    private final DockerClient docker;
    private final LogStreams logStreams;
    private final LogBackend backend;
    private final int maxLineLength;
    private final List<String> serviceNameLabels;
    private final List<String> serviceIdLabels;
    private final Duration maxReconnectDelay;
    private final boolean lifecycleEvents;
    private final boolean attachAtCreate;
    private final Clock clock;
    private final ThreadFactory threadFactory;
    private final BackendWriter writer;
    private final ScheduledExecutorService control;
    // Attaches at create events (each waits for the container's start lock, see attachAtCreate)
    private final ExecutorService createAttacher;
    // Containers whose create event is being handled: id -> whether a start event came meanwhile
    private final Map<String, Boolean> pendingCreates = new ConcurrentHashMap<>();

    private final Object lock = new Object();
    private final Map<String, FollowedContainer> attached = new ConcurrentHashMap<>();
    // Where detached containers stopped, so a re-attach by this monitor resumes exactly; guarded by lock
    private final Map<String, FollowedContainer.ResumePoint> detachedAt = new ConcurrentHashMap<>();
    private volatile boolean autoAttach;
    private volatile boolean closed;
    private volatile boolean eventsConnected;
    // guarded by lock
    private Closeable events;
    private boolean eventsWanted;
    private boolean reconnectHeld; // test hook, see breakEventsStream
    private int reconnectAttempts;

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
        this.docker = builder.docker;
        this.logStreams = builder.logStreams();
        this.backend = builder.backend;
        this.maxLineLength = builder.maxLineLength;
        this.serviceNameLabels = builder.serviceNameLabels;
        this.serviceIdLabels = builder.serviceIdLabels;
        this.maxReconnectDelay = builder.maxReconnectDelay;
        this.lifecycleEvents = builder.lifecycleEvents;
        this.attachAtCreate = builder.attachAtCreate;
        this.clock = builder.clock;
        this.threadFactory = builder.threadFactory;
        this.writer = new BackendWriter(backend, builder.bufferSize, builder.overflowWait, clock, threadFactory);
        this.control = Executors.newSingleThreadScheduledExecutor(threadFactory);
        this.createAttacher = Executors.newCachedThreadPool(threadFactory);
    }

    /**
     * A builder for a monitor that reads from {@code dockerClient} and stores into {@code backend}.
     *
     * @throws NullPointerException if an argument is null
     */
    public static Builder builder(DockerClient dockerClient, LogBackend backend) {
        return new Builder(dockerClient, backend);
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
        ensureOpen();
        List<Container> running = listRunning();
        autoAttach = true;
        ensureEvents();
        for (Container container : running) {
            attachQuietly(container.getId());
        }
        if (attachAtCreate && running.isEmpty()) {
            warmUpInspect();
        }
    }

    /**
     * docker-java's first inspect takes ~135 ms (its JSON mapping is built on first use), later
     * ones ~3 ms. The first {@code docker run --rm} container after start is attached at its
     * creation through an inspect, and that first one came too late: the container was gone
     * (measured: the first of 20 was lost in every run). Attaching running containers warms it
     * up; without any, inspect some stopped container, if there is one.
     */
    private void warmUpInspect() {
        try {
            List<Container> any = docker.listContainersCmd().withShowAll(true).withLimit(1).exec();
            if (!any.isEmpty()) {
                docker.inspectContainerCmd(any.get(0).getId()).exec();
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "warm-up inspect failed", e);
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
        ensureOpen();
        return attach(inspect(options.containerId()), options, false);
    }

    /**
     * @param live read through the attach API from the container's start on, not from its log
     *     (see {@link #attachAtCreate})
     */
    private AttachedContainer attach(InspectContainerResponse info, AttachOptions options, boolean live) {
        String id = info.getId();
        Map<String, String> labels = info.getConfig() == null ? null : info.getConfig().getLabels();
        String serviceName = options.serviceName() != null ? options.serviceName()
                : serviceName(labels, info.getName(), id);
        Integer serviceId = options.serviceId() != null ? options.serviceId() : serviceId(labels);
        boolean tty = info.getConfig() != null && Boolean.TRUE.equals(info.getConfig().getTty());
        FollowedContainer container;
        synchronized (lock) {
            ensureOpen();
            FollowedContainer existing = attached.get(id);
            if (existing != null) {
                existing.service(serviceId, serviceName);
                return existing.describe();
            }
            FollowedContainer.ResumePoint from = options.since() != null
                    ? FollowedContainer.ResumePoint.from(options.since())
                    : detachedAt.remove(id);
            if (from == null) {
                from = storedResumePoint(id);
            }
            container = new FollowedContainer(id, tty, options.follow(), options.stdout(), options.stderr(),
                    serviceId, serviceName, from, live, logStreams, writer, maxLineLength, clock, threadFactory,
                    this::streamEnded);
            attached.put(id, container);
            container.open();
        }
        lifecycleEvent("container-attached", container.describe(), null);
        if (options.follow()) {
            ensureEvents();
        }
        return container.describe();
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
        synchronized (lock) {
            FollowedContainer container = attached.get(containerId);
            if (container == null) {
                List<FollowedContainer> matches = attached.values().stream()
                        .filter(c -> c.containerId().startsWith(containerId)).toList();
                if (matches.size() == 1) {
                    container = matches.get(0);
                }
            }
            if (container != null) {
                return detach(container, false);
            }
        }
        if (closed || attached.isEmpty()) {
            return false;
        }
        // perhaps a container name: ask Docker for the id (outside the lock, it is a remote call)
        String id;
        try {
            id = docker.inspectContainerCmd(containerId).exec().getId();
        } catch (RuntimeException e) {
            return false; // unknown, or the engine is unreachable: nothing we can detach by that name
        }
        synchronized (lock) {
            FollowedContainer container = attached.get(id);
            return container != null && detach(container, false);
        }
    }

    // requires lock
    private boolean detach(FollowedContainer container, boolean forget) {
        if (!attached.remove(container.containerId(), container)) {
            return false;
        }
        FollowedContainer.ResumePoint point = container.detach();
        if (point != null && !forget) {
            detachedAt.put(container.containerId(), point);
        }
        lifecycleEvent("container-detached", container.describe(), forget ? "removed" : null);
        return true;
    }

    /** With {@link Builder#lifecycleEvents}, records an attach or detach as a manager event. */
    private void lifecycleEvent(String event, AttachedContainer container, String reason) {
        if (!lifecycleEvents) {
            return;
        }
        Map<String, Object> details = new java.util.LinkedHashMap<>();
        details.put("containerId", container.containerId());
        details.put("serviceName", container.serviceName());
        if (container.serviceId() != null) {
            details.put("serviceId", container.serviceId());
        }
        if (reason != null) {
            details.put("reason", reason);
        }
        logManagerEvent(event, details, LogLevel.INFO);
    }

    /** The containers currently attached, in no particular order. */
    @Override
    public List<AttachedContainer> attachedContainers() {
        List<AttachedContainer> list = new ArrayList<>();
        for (FollowedContainer container : attached.values()) {
            list.add(container.describe());
        }
        return list;
    }

    /**
     * Stores a system message (source {@code system}, {@code isSystem} true) with the current time.
     *
     * @throws NullPointerException if an argument is null
     */
    public void logSystemMessage(String message, LogLevel level) {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(level, "level");
        backend.log(LogMessage.system(message, level, clock.instant()));
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
        String text = details == null || details.isEmpty() ? event : event + " " + toJson(details);
        backend.log(LogMessage.manager(text, level, clock.instant()));
    }

    /** Lines dropped so far because the buffer to the backend was full. */
    public long droppedMessages() {
        return writer.dropped();
    }

    /** Lines read from Docker and waiting in the buffer for the backend. */
    public int pendingMessages() {
        return writer.pending();
    }

    /**
     * Whether the Docker events stream is connected; false before the first {@link #attach} or
     * {@link #start}, and while reconnecting (for instance while dockerd restarts).
     */
    public boolean isEventsConnected() {
        return eventsConnected;
    }

    /**
     * Stops every stream and thread, stores the lines already read (waiting up to five seconds for
     * the backend), and reports any drops. The Docker client and the backend stay open. Idempotent.
     */
    @Override
    public void close() {
        List<FollowedContainer> stopped;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            autoAttach = false;
            eventsWanted = false;
            closeEvents();
            stopped = new ArrayList<>(attached.values());
            for (FollowedContainer container : stopped) {
                detach(container, true);
            }
        }
        control.shutdownNow();
        createAttacher.shutdownNow();
        try {
            control.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writer.close();
    }

    /**
     * Test hook: breaks the events stream as a dockerd restart would. The usual reconnection with
     * backoff and reconciliation follows, unless {@code holdReconnect}, in which case it waits for
     * {@link #releaseEventsStream()} (so a test can change things while nobody listens).
     */
    void breakEventsStream(boolean holdReconnect) {
        Closeable current;
        synchronized (lock) {
            reconnectHeld = holdReconnect;
            current = events;
        }
        if (current != null) {
            try {
                current.close(); // the callback's onError/onComplete then sees itself still current
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "closing the events stream failed", e);
            }
        }
    }

    /** Test hook: lets a reconnection held by {@link #breakEventsStream(boolean)} happen now. */
    void releaseEventsStream() {
        synchronized (lock) {
            reconnectHeld = false;
        }
        schedule(this::connectEvents, Duration.ZERO);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this ContainerLogMonitor is closed");
        }
    }

    // ---- Docker calls, converted at the edge ----

    private InspectContainerResponse inspect(String containerId) {
        try {
            return docker.inspectContainerCmd(containerId).exec();
        } catch (NotFoundException e) {
            throw new ContainerNotFoundException(containerId, e);
        } catch (RuntimeException e) {
            throw unreachable(e);
        }
    }

    private List<Container> listRunning() {
        try {
            return docker.listContainersCmd().exec();
        } catch (RuntimeException e) {
            throw unreachable(e);
        }
    }

    private IllegalStateException unreachable(RuntimeException e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return new IllegalStateException("cannot reach the Docker engine: " + e.getMessage()
                + (root != e ? " (" + root + ")" : ""), e);
    }

    /**
     * Where the backend's copy of a container's lines ends, per stream (stdout lines are stored
     * at level info, stderr at error; TTY output is all stdout).
     */
    private FollowedContainer.ResumePoint storedResumePoint(String containerId) {
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

    private String serviceName(Map<String, String> labels, String name, String id) {
        if (labels != null) {
            for (String label : serviceNameLabels) {
                String value = labels.get(label);
                if (value != null && !value.isBlank()) {
                    return value;
                }
            }
        }
        if (name != null && !name.isBlank()) {
            return name.startsWith("/") ? name.substring(1) : name;
        }
        return id.substring(0, Math.min(12, id.length()));
    }

    private Integer serviceId(Map<String, String> labels) {
        if (labels != null) {
            for (String label : serviceIdLabels) {
                String value = labels.get(label);
                if (value != null) {
                    try {
                        return Integer.valueOf(value.trim());
                    } catch (NumberFormatException e) {
                        LOG.log(System.Logger.Level.DEBUG, "label {0}={1} is not a service id", label, value);
                    }
                }
            }
        }
        return null;
    }

    private void attachQuietly(String containerId) {
        if (closed || attached.containsKey(containerId)) {
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
     * A container created with AutoRemove ({@code docker run --rm}) is attached at its create
     * event through the attach API, as {@code docker run} itself reads it: such a container that
     * exits within milliseconds is deleted with its log file before a log stream opened at its
     * start event could read it (measured: 1 of 20 one-line containers arrived that way). The
     * attach API has no timestamps, so its lines carry the time they arrived; {@code logs=1}
     * also returns whatever the container wrote before the attach took hold. Other containers
     * keep waiting for their start event: their log stays readable, with Docker's timestamps.
     *
     * <p>Runs on a thread of its own per create event: the inspect (like any attach) waits for
     * the container lock while dockerd starts the container (~300 ms), and done one after another
     * on the control thread, ten parallel {@code docker run --rm} lost half their lines (32 of
     * 60). Meanwhile the control thread leaves the container's start event to this method
     * ({@link #pendingCreates}), which attaches it from its log after all if it is no AutoRemove
     * container.
     */
    private void attachAtCreate(String containerId) {
        boolean attachedLive = false;
        try {
            InspectContainerResponse info = docker.inspectContainerCmd(containerId).exec();
            if (info.getHostConfig() != null && Boolean.TRUE.equals(info.getHostConfig().getAutoRemove())) {
                attach(info, AttachOptions.builder(containerId).build(), true);
                attachedLive = true;
            }
        } catch (RuntimeException e) {
            // gone already, closed, or the engine is away
            LOG.log(System.Logger.Level.DEBUG, "could not attach container " + containerId + " at creation", e);
        } finally {
            Boolean startedMeanwhile = pendingCreates.remove(containerId);
            if (!attachedLive && Boolean.TRUE.equals(startedMeanwhile)) {
                schedule(() -> attachQuietly(containerId), Duration.ZERO); // as its start event would have
            }
        }
    }

    // ---- stream ends, events, reconciliation: all on the control thread ----

    private void streamEnded(FollowedContainer container, boolean completed, int status, boolean catchUp) {
        if (container.isLive()) {
            if (status == 404) {
                forget(container.containerId());
            } else if (status == 200 && !completed) {
                // broken (dockerd restarting?): go on from the log, after the lines already read
                container.switchToLogs();
                schedule(() -> reopenIfRunning(container, false), BROKEN_STREAM_RETRY);
            } else if (status == 200) {
                // The container exited. If the attach came in only after it had started, dockerd
                // replayed its log so far, which can lack the last line (an unterminated one is
                // written to the log as the container exits): read the log once more, right away
                // (AutoRemove is about to delete it), skipping the lines already kept. A later
                // start event (docker restart) then reads on from the log as well.
                container.switchToLogs();
                container.open(true);
            }
            return;
        }
        if (!container.follow()) {
            synchronized (lock) {
                detach(container, false);
            }
            return;
        }
        if (status == 404) {
            forget(container.containerId());
            return;
        }
        if (status != 0 && status != 200) {
            return; // e.g. a logging driver without read support; a later start event retries
        }
        // A completed stream means the container stopped: it is reopened by its next start event,
        // or right away if it already started again (the start event may have come first); if it
        // did not, one catch-up read collects entries the follow stream ended too early to send.
        // A broken stream is retried after a pause.
        schedule(() -> reopenIfRunning(container, completed && !catchUp),
                completed ? Duration.ZERO : BROKEN_STREAM_RETRY);
    }

    private void reopenIfRunning(FollowedContainer container, boolean catchUpIfStopped) {
        if (closed || attached.get(container.containerId()) != container) {
            return;
        }
        try {
            InspectContainerResponse info = docker.inspectContainerCmd(container.containerId()).exec();
            if (info.getState() != null && Boolean.TRUE.equals(info.getState().getRunning())) {
                container.open();
            } else if (catchUpIfStopped) {
                container.open(true);
            }
        } catch (NotFoundException e) {
            forget(container.containerId());
        } catch (RuntimeException e) {
            // engine unreachable: the events reconnection reconciles once it is back
            LOG.log(System.Logger.Level.DEBUG, "cannot check container " + container.containerId(), e);
        }
    }

    private void forget(String containerId) {
        synchronized (lock) {
            FollowedContainer container = attached.get(containerId);
            if (container != null) {
                detach(container, true);
            }
            detachedAt.remove(containerId);
        }
    }

    private void schedule(Runnable task, Duration delay) {
        try {
            control.schedule(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "container log monitor task failed", e);
                }
            }, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    private void ensureEvents() {
        synchronized (lock) {
            if (closed || eventsWanted) {
                return;
            }
            eventsWanted = true;
        }
        schedule(this::connectEvents, Duration.ZERO);
    }

    private void connectEvents() {
        synchronized (lock) {
            if (closed || !eventsWanted || reconnectHeld) {
                return;
            }
            closeEvents();
            try {
                events = docker.eventsCmd().withEventTypeFilter(EventType.CONTAINER).exec(new EventsCallback());
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "cannot subscribe to Docker events", e);
                reconnectLater();
            }
        }
    }

    // requires lock
    private void closeEvents() {
        eventsConnected = false;
        if (events != null) {
            try {
                events.close();
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "closing the events stream failed", e);
            }
            events = null;
        }
    }

    // requires lock
    private void reconnectLater() {
        long delay = Math.min(maxReconnectDelay.toMillis(),
                MIN_RECONNECT_DELAY.toMillis() << Math.min(reconnectAttempts, 16));
        reconnectAttempts++;
        schedule(this::connectEvents, Duration.ofMillis(delay));
    }

    /**
     * After (re)connecting: reopen attached containers that run but have no stream, and in
     * auto-attach mode attach running containers not yet attached. Covers events missed while
     * disconnected (dockerd keeps only the last 256 and drops lagging subscribers).
     */
    private void reconcile() {
        List<Container> running;
        try {
            running = docker.listContainersCmd().exec();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "cannot list containers to reconcile", e);
            return;
        }
        for (Container container : running) {
            FollowedContainer followed = attached.get(container.getId());
            if (followed != null) {
                followed.open();
            } else if (autoAttach) {
                attachQuietly(container.getId());
            }
        }
    }

    private void onEvent(Event event) {
        if (closed || event.getActor() == null || event.getActor().getId() == null) {
            return;
        }
        String id = event.getActor().getId();
        String action = event.getAction();
        if ("start".equals(action)) {
            if (pendingCreates.computeIfPresent(id, (key, started) -> true) != null) {
                return; // attachAtCreate is still deciding; it handles this start too
            }
            FollowedContainer followed = attached.get(id);
            if (followed != null) {
                // does nothing while the previous stream is still ending; an AutoRemove container
                // attached at creation was switched to its log when its attach stream ended
                followed.open();
            } else if (autoAttach) {
                attachQuietly(id);
            }
        } else if ("create".equals(action)) {
            if (attachAtCreate && autoAttach && !attached.containsKey(id)
                    && pendingCreates.putIfAbsent(id, false) == null) {
                try {
                    createAttacher.execute(() -> attachAtCreate(id));
                } catch (RejectedExecutionException e) {
                    pendingCreates.remove(id); // closing
                }
            }
        } else if ("destroy".equals(action)) {
            FollowedContainer followed = attached.get(id);
            if (followed != null && followed.isStreaming()) {
                // a stream may still hold the container's last bytes: the engine closes it when
                // they are sent; close it ourselves only if it has not after a while
                schedule(() -> forget(id), LIVE_STREAM_GRACE);
            } else {
                forget(id);
            }
        }
    }

    private final class EventsCallback extends ResultCallback.Adapter<Event> {
        @Override
        public void onStart(Closeable stream) {
            super.onStart(stream);
            synchronized (lock) {
                reconnectAttempts = 0;
            }
            eventsConnected = true;
            schedule(ContainerLogMonitor.this::reconcile, Duration.ZERO);
        }

        @Override
        public void onNext(Event event) {
            schedule(() -> onEvent(event), Duration.ZERO);
        }

        @Override
        public void onError(Throwable throwable) {
            LOG.log(System.Logger.Level.DEBUG, "Docker events stream broke", throwable);
            ended();
        }

        @Override
        public void onComplete() {
            ended();
        }

        private void ended() {
            synchronized (lock) {
                if (events != this) {
                    return; // a stale stream we already replaced or closed
                }
                eventsConnected = false;
                if (!closed && eventsWanted) {
                    reconnectLater();
                }
            }
        }
    }

    private static String toJson(Map<String, ?> details) {
        StringWriter out = new StringWriter();
        try (JsonWriter json = new JsonWriter(out)) {
            json.setSerializeNulls(true);
            writeJson(json, details);
        } catch (IOException e) {
            throw new IllegalStateException("writing to a StringWriter failed", e); // cannot happen
        }
        return out.toString();
    }

    private static void writeJson(JsonWriter json, Object value) throws IOException {
        if (value == null) {
            json.nullValue();
        } else if (value instanceof Map<?, ?> map) {
            json.beginObject();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                json.name(String.valueOf(entry.getKey()));
                writeJson(json, entry.getValue());
            }
            json.endObject();
        } else if (value instanceof Collection<?> collection) {
            json.beginArray();
            for (Object element : collection) {
                writeJson(json, element);
            }
            json.endArray();
        } else if (value instanceof Number number) {
            double d = number.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                json.value(number.toString());
            } else {
                json.value(number);
            }
        } else if (value instanceof Boolean bool) {
            json.value(bool);
        } else {
            json.value(value.toString());
        }
    }

    /**
     * Configures a {@link ContainerLogMonitor}. Every setting has a default (the constants of
     * {@link ContainerLogMonitor}); invalid values fail here, naming the value. Not thread-safe.
     */
    public static final class Builder {
        private final DockerClient docker;
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
        private Clock clock = Clock.systemUTC();
        private ThreadFactory threadFactory = runnable -> {
            Thread thread = new Thread(runnable, "container-logging-docker-" + THREAD_NUMBER.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };

        private Builder(DockerClient docker, LogBackend backend) {
            this.docker = Objects.requireNonNull(docker, "dockerClient");
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
            this.serviceNameLabels = labels(labels, "serviceNameLabels");
            return this;
        }

        /**
         * Labels whose integer value is a container's service id, first present wins (default
         * {@link #DEFAULT_SERVICE_ID_LABELS}).
         */
        public Builder serviceIdLabels(List<String> labels) {
            this.serviceIdLabels = labels(labels, "serviceIdLabels");
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
            Objects.requireNonNull(overflowWait, "overflowWait");
            if (overflowWait.isNegative()) {
                throw new IllegalArgumentException("overflowWait must not be negative, was " + overflowWait);
            }
            this.overflowWait = overflowWait;
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
         * that exits within milliseconds is usually gone before its log can be read (measured
         * with the {@code docker} CLI: off, 1 of 20 one-line containers arrived; on, 20 of 20).
         *
         * <p>Why it is off: it trades loss for two rarer faults that dockerd causes, not us.
         * An attach that takes hold while the container already runs makes dockerd replay the
         * log so far before the live output, and output written during that hand-over comes
         * twice (seen: 6 short containers of about 1 950 run through
         * {@code scripts/rm-containers.sh}, each with its whole output twice). And reading the
         * log of an exited AutoRemove container while dockerd deletes it makes dockerd recreate
         * its log file, so the removal fails and the container is left {@code Dead} (seen: 3 of
         * the same 1 950, until {@code docker rm -f}). Lines read this way carry their arrival
         * time (the attach API has no timestamps).
         */
        public Builder attachAtCreate(boolean attachAtCreate) {
            this.attachAtCreate = attachAtCreate;
            return this;
        }

        /** The longest wait between reconnection attempts of the events stream (default {@link #DEFAULT_MAX_RECONNECT_DELAY}). */
        public Builder maxReconnectDelay(Duration maxReconnectDelay) {
            Objects.requireNonNull(maxReconnectDelay, "maxReconnectDelay");
            if (maxReconnectDelay.compareTo(MIN_RECONNECT_DELAY) < 0) {
                throw new IllegalArgumentException("maxReconnectDelay must be >= " + MIN_RECONNECT_DELAY
                        + ", was " + maxReconnectDelay);
            }
            this.maxReconnectDelay = maxReconnectDelay;
            return this;
        }

        /** The clock of system and manager messages (default the system UTC clock). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Where the monitor's threads come from (default daemon threads named {@code container-logging-docker-N}). */
        public Builder threadFactory(ThreadFactory threadFactory) {
            this.threadFactory = Objects.requireNonNull(threadFactory, "threadFactory");
            return this;
        }

        /**
         * The raw transport for log streams; needed only if the Docker client is not docker-java's
         * {@code DockerClientImpl} (whose transport is used by default).
         */
        public Builder httpClient(DockerHttpClient httpClient) {
            this.http = Objects.requireNonNull(httpClient, "httpClient");
            return this;
        }

        /**
         * Builds the monitor (its writer thread starts; nothing contacts Docker yet).
         *
         * @throws IllegalArgumentException if no raw transport is known (see {@link #httpClient})
         */
        public ContainerLogMonitor build() {
            return new ContainerLogMonitor(this);
        }

        private LogStreams logStreams() {
            if (http != null) {
                return LogStreams.through(http);
            }
            if (!(docker instanceof DockerClientImpl impl)) {
                throw new IllegalArgumentException("the Docker client is a " + docker.getClass().getName()
                        + ", not docker-java's DockerClientImpl: pass its transport with httpClient(...)");
            }
            DockerHttpClient transport = impl.getHttpClient();
            // clients from DockerClients carry a faster way to read log streams
            return transport instanceof DockerTransport ours ? ours.logStreams() : LogStreams.through(transport);
        }

        private static List<String> labels(List<String> labels, String name) {
            Objects.requireNonNull(labels, name);
            for (String label : labels) {
                if (label == null || label.isBlank()) {
                    throw new IllegalArgumentException(name + " must not contain null or blank labels: " + labels);
                }
            }
            return List.copyOf(labels);
        }
    }
}

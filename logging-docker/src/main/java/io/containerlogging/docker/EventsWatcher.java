package io.containerlogging.docker;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Follows Docker's container events and acts on them: a start reopens an attached container's
 * stream (or, in auto-attach mode, attaches a new container), a destroy forgets the container, a
 * create may attach it at once ({@link AttachAtCreate}). A broken events stream is reconnected
 * with exponential backoff, and every (re)connection is followed by a reconciliation against the
 * list of running containers, which covers events missed meanwhile (dockerd keeps only the last
 * 256 and drops lagging subscribers).
 *
 * <p>Thread-safety: thread-safe. The subscription state is guarded by a lock of its own; events
 * and reconciliations run on the {@link ControlThread}.
 */
final class EventsWatcher implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(EventsWatcher.class.getName());

    /** The first wait before reconnecting, doubled at every failed attempt up to the maximum. */
    static final Duration MIN_RECONNECT_DELAY = Duration.ofMillis(100);

    /**
     * How long a destroyed container's stream may still deliver its last bytes before it is
     * closed from here (the engine normally closes it once they are sent).
     */
    static final Duration LIVE_STREAM_GRACE = Duration.ofSeconds(5);

    private final DockerEngine engine;
    private final ControlThread control;
    private final AttachRegistry registry;
    private final Consumer<String> attachQuietly;
    private final AttachAtCreate attachAtCreate; // null if off
    private final Duration maxReconnectDelay;

    private final Object lock = new Object();
    private volatile boolean autoAttach;
    private volatile boolean connected;
    // guarded by lock
    private Subscription subscription;
    private Closeable events;
    private boolean wanted;
    private boolean closed;
    private boolean reconnectHeld; // test hook, see breakStream
    private int reconnectAttempts;

    /**
     * @param attachQuietly attaches a container by id, logging rather than throwing if it cannot
     * @param attachAtCreate where create events go, or null to wait for start events
     */
    EventsWatcher(DockerEngine engine, ControlThread control, AttachRegistry registry, Consumer<String> attachQuietly,
            AttachAtCreate attachAtCreate, Duration maxReconnectDelay) {
        this.engine = engine;
        this.control = control;
        this.registry = registry;
        this.attachQuietly = attachQuietly;
        this.attachAtCreate = attachAtCreate;
        this.maxReconnectDelay = maxReconnectDelay;
    }

    /** From now on, attaches every container that starts (and, with attach-at-create, is created). */
    void autoAttach() {
        autoAttach = true;
    }

    /** Subscribes to the events stream unless it is wanted already. */
    void ensureStarted() {
        synchronized (lock) {
            if (closed || registry.isClosed() || wanted) {
                return;
            }
            wanted = true;
        }
        control.schedule(this::connect, Duration.ZERO);
    }

    boolean isConnected() {
        return connected;
    }

    /** Breaks the events stream as a dockerd restart would; see {@code ContainerLogMonitor#breakEventsStream}. */
    void breakStream(boolean holdReconnect) {
        Closeable current;
        synchronized (lock) {
            reconnectHeld = holdReconnect;
            current = events;
        }
        if (current != null) {
            try {
                current.close(); // the subscription's end then sees itself still current
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "closing the events stream failed", e);
            }
        }
    }

    /** Lets a reconnection held by {@link #breakStream(boolean)} happen now. */
    void releaseStream() {
        synchronized (lock) {
            reconnectHeld = false;
        }
        control.schedule(this::connect, Duration.ZERO);
    }

    /** Stops auto-attaching and unsubscribes for good. Idempotent. */
    @Override
    public void close() {
        autoAttach = false;
        synchronized (lock) {
            closed = true;
            wanted = false;
            closeEvents();
        }
    }

    private boolean stopped() {
        return closed || registry.isClosed();
    }

    private void connect() {
        synchronized (lock) {
            if (stopped() || !wanted || reconnectHeld) {
                return;
            }
            closeEvents();
            Subscription next = new Subscription();
            try {
                events = engine.containerEvents(next);
                subscription = next;
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "cannot subscribe to Docker events", e);
                reconnectLater();
            }
        }
    }

    // requires lock
    private void closeEvents() {
        connected = false;
        subscription = null;
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
        control.schedule(this::connect, Duration.ofMillis(delay));
    }

    /**
     * After (re)connecting: reopen attached containers that run but have no stream, and in
     * auto-attach mode attach running containers not yet attached.
     */
    private void reconcile() {
        List<String> running;
        try {
            running = engine.runningIds();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "cannot list containers to reconcile", e);
            return;
        }
        for (String id : running) {
            FollowedContainer followed = registry.get(id);
            if (followed != null) {
                followed.open();
            } else if (autoAttach) {
                attachQuietly.accept(id);
            }
        }
        // a die event missed while disconnected: a reader of a log file would wait for it forever
        java.util.Set<String> runningNow = new java.util.HashSet<>(running);
        registry.forEach(followed -> {
            if (!runningNow.contains(followed.containerId())) {
                followed.containerStopped();
            }
        });
    }

    private void onEvent(String id, String action) {
        if (registry.isClosed()) {
            return;
        }
        if ("start".equals(action)) {
            if (attachAtCreate != null && attachAtCreate.claimsStart(id)) {
                return; // attach-at-create is still deciding; it handles this start too
            }
            FollowedContainer followed = registry.get(id);
            if (followed != null) {
                // does nothing while the previous stream is still ending; an AutoRemove container
                // attached at creation was switched to its log when its attach stream ended
                followed.open();
            } else if (autoAttach) {
                attachQuietly.accept(id);
            }
        } else if ("die".equals(action)) {
            FollowedContainer followed = registry.get(id);
            if (followed != null) {
                followed.containerStopped(); // a log file has no end of its own: this is it
            }
        } else if ("create".equals(action)) {
            if (attachAtCreate != null && autoAttach && !registry.contains(id)) {
                attachAtCreate.created(id);
            }
        } else if ("destroy".equals(action)) {
            FollowedContainer followed = registry.get(id);
            if (followed != null && followed.isStreaming()) {
                // a stream may still hold the container's last bytes: the engine closes it when
                // they are sent; close it ourselves only if it has not after a while
                control.schedule(() -> registry.forget(id), LIVE_STREAM_GRACE);
            } else {
                registry.forget(id);
            }
        }
    }

    /** One connection of the events stream; a stale one (replaced or closed) is ignored. */
    private final class Subscription implements DockerEngine.EventListener {
        @Override
        public void connected() {
            synchronized (lock) {
                reconnectAttempts = 0;
            }
            connected = true;
            control.schedule(EventsWatcher.this::reconcile, Duration.ZERO);
        }

        @Override
        public void event(String containerId, String action) {
            control.schedule(() -> onEvent(containerId, action), Duration.ZERO);
        }

        @Override
        public void ended(Throwable error) {
            if (error != null) {
                LOG.log(System.Logger.Level.DEBUG, "Docker events stream broke", error);
            }
            synchronized (lock) {
                if (subscription != this) {
                    return; // a stale stream we already replaced or closed
                }
                connected = false;
                if (!stopped() && wanted) {
                    reconnectLater();
                }
            }
        }
    }
}

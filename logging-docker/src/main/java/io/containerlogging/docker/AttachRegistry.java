package io.containerlogging.docker;

import io.containerlogging.core.AttachedContainer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The containers a monitor has attached, by full id: adds and removes them, asks
 * {@link ResumePoints} where a new one resumes and tells it where a detached one stopped, and
 * refuses new ones once closed.
 *
 * <p>Thread-safety: thread-safe. One lock orders attach, detach and close, so a line is never
 * kept by two streams of one container and a closed registry stays empty; lookups read a
 * concurrent map without it.
 */
final class AttachRegistry implements AutoCloseable {

    /** Makes the stream of a container being attached; called under the registry's lock. */
    interface Streams {
        FollowedContainer create(Attachment attachment, FollowedContainer.ResumePoint from);
    }

    /** Hears attaches (outside the lock, after the stream opened) and detaches (under the lock). */
    interface Listener {
        void attached(FollowedContainer container);

        void detached(FollowedContainer container, boolean removed);
    }

    /**
     * What to attach.
     *
     * @param since where to resume, or null to ask {@link ResumePoints}
     * @param live read through the attach API from the container's start on, not from its log
     */
    record Attachment(String containerId, boolean tty, boolean follow, boolean stdout, boolean stderr,
            Integer serviceId, String serviceName, Instant since, boolean live) {
    }

    private final Object lock = new Object();
    private final Map<String, FollowedContainer> attached = new ConcurrentHashMap<>();
    private final ResumePoints resumePoints;
    private final Streams streams;
    private final Listener listener;
    private volatile boolean closed; // written under lock

    AttachRegistry(ResumePoints resumePoints, Streams streams, Listener listener) {
        this.resumePoints = resumePoints;
        this.streams = streams;
        this.listener = listener;
    }

    /**
     * Attaches and opens a container's stream; if it is attached already, only updates its service.
     *
     * @throws IllegalStateException if closed
     */
    AttachedContainer attach(Attachment attachment) {
        FollowedContainer container;
        synchronized (lock) {
            ensureOpen();
            FollowedContainer existing = attached.get(attachment.containerId());
            if (existing != null) {
                existing.service(attachment.serviceId(), attachment.serviceName());
                return existing.describe();
            }
            FollowedContainer.ResumePoint from = attachment.since() != null
                    ? FollowedContainer.ResumePoint.from(attachment.since())
                    : resumePoints.resumePoint(attachment.containerId());
            container = streams.create(attachment, from);
            attached.put(attachment.containerId(), container);
            container.open();
        }
        listener.attached(container);
        return container.describe();
    }

    /**
     * Detaches by full id, else by a unique id prefix; a later attach resumes where it stopped.
     *
     * @return true if such a container was attached
     */
    boolean detach(String idOrPrefix) {
        synchronized (lock) {
            FollowedContainer container = attached.get(idOrPrefix);
            if (container == null) {
                List<FollowedContainer> matches = attached.values().stream()
                        .filter(c -> c.containerId().startsWith(idOrPrefix)).toList();
                if (matches.size() == 1) {
                    container = matches.get(0);
                }
            }
            return container != null && detach(container, false);
        }
    }

    /** Detaches this very container, if it is still the one attached under its id. */
    boolean detach(FollowedContainer container) {
        synchronized (lock) {
            return detach(container, false);
        }
    }

    /** Detaches a container that is gone and forgets where it stopped. */
    void forget(String containerId) {
        synchronized (lock) {
            FollowedContainer container = attached.get(containerId);
            if (container != null) {
                detach(container, true);
            }
            resumePoints.forget(containerId);
        }
    }

    // requires lock
    private boolean detach(FollowedContainer container, boolean removed) {
        if (!attached.remove(container.containerId(), container)) {
            return false;
        }
        FollowedContainer.ResumePoint point = container.detach();
        if (!removed) {
            resumePoints.detached(container.containerId(), point);
        }
        listener.detached(container, removed);
        return true;
    }

    /** The container attached under a full id, or null. */
    /** Calls {@code action} with every attached container (a weakly consistent view). */
    void forEach(java.util.function.Consumer<? super FollowedContainer> action) {
        attached.values().forEach(action);
    }

    FollowedContainer get(String containerId) {
        return attached.get(containerId);
    }

    boolean contains(String containerId) {
        return attached.containsKey(containerId);
    }

    boolean isEmpty() {
        return attached.isEmpty();
    }

    List<AttachedContainer> describeAll() {
        List<AttachedContainer> list = new ArrayList<>();
        for (FollowedContainer container : attached.values()) {
            list.add(container.describe());
        }
        return list;
    }

    Map<AttachedContainer, Long> messageCounts() {
        Map<AttachedContainer, Long> counts = new java.util.HashMap<>();
        for (FollowedContainer container : attached.values()) {
            counts.put(container.describe(), container.messages());
        }
        return counts;
    }

    Map<AttachedContainer, Long> droppedCounts() {
        Map<AttachedContainer, Long> counts = new java.util.HashMap<>();
        for (FollowedContainer container : attached.values()) {
            counts.put(container.describe(), container.dropped());
        }
        return counts;
    }

    boolean isClosed() {
        return closed;
    }

    /** @throws IllegalStateException if closed */
    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this ContainerLogMonitor is closed");
        }
    }

    /** {@link #closeOnce()}, for try-with-resources. */
    @Override
    public void close() {
        closeOnce();
    }

    /**
     * Refuses new attaches from now on and stops every stream, as gone for good.
     *
     * @return false if it was closed already
     */
    boolean closeOnce() {
        synchronized (lock) {
            if (closed) {
                return false;
            }
            closed = true;
            for (FollowedContainer container : new ArrayList<>(attached.values())) {
                detach(container, true);
            }
            return true;
        }
    }
}

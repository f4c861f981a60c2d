package io.containerlogging.local;

import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.core.LogSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The {@link MessageShape}s of the messages in a {@link MessageRing}, one instance per distinct
 * shape, and the ring's position indexes per service name and per container id. A new shape gets
 * the canonical instances of its service name, container id and source, so every stored message
 * shares them; it also gets a small number ({@link MessageShape#id}) that lets a query remember,
 * per shape, whether the shape meets its criteria.
 *
 * <p>Shapes that no stored message has any more, and indexes that hold no position in the ring,
 * are forgotten at each {@link #sweep}, so container churn does not grow the table.
 *
 * <p>Not thread-safe: guarded by the ring's lock.
 */
final class ShapeTable {

    /** Sources are few; the bound only guards memory against a stream of distinct names. */
    private static final int MAX_CANONICAL_SOURCES = 10_000;

    private final Map<MessageShape, MessageShape> shapes = new HashMap<>();
    private final Map<String, PositionIndex> byServiceName = new HashMap<>();
    private final Map<String, PositionIndex> byContainerId = new HashMap<>();
    private final Map<LogSource, LogSource> sources = new HashMap<>();
    // Shapes by hash, direct-mapped, for intern(LogMessage, String); a shape forgotten by a sweep
    // (id -1) or a collision only costs the regular lookup.
    private final MessageShape[] recentByHash = new MessageShape[1024];
    private MessageShape[] byId = new MessageShape[16];
    private int[] freeIds = new int[16];
    private int freeCount;
    private int idLimit; // ids in use are below this

    /**
     * The stored shape of {@code message} stored with {@code deviceId}, adding it if there is none:
     * the {@code log()} path, which finds a known shape (nearly always) without making one.
     */
    MessageShape intern(LogMessage message, String deviceId) {
        int hash = MessageShape.hash(message, deviceId);
        MessageShape[] table = recentByHash;
        MessageShape cached = table[hash & (table.length - 1)];
        if (cached != null && cached.id >= 0 && cached.isShapeOf(message, deviceId, hash)) {
            return cached;
        }
        MessageShape shape = intern(MessageShape.of(message, deviceId));
        table[hash & (table.length - 1)] = shape;
        return shape;
    }

    /** The stored instance equal to {@code shape}, adding it (with canonical strings) if none is. */
    MessageShape intern(MessageShape shape) {
        MessageShape known = shapes.get(shape);
        if (known != null) {
            return known;
        }
        PositionIndex service = shape.serviceName == null ? null
                : byServiceName.computeIfAbsent(shape.serviceName, PositionIndex::new);
        PositionIndex container = shape.containerId == null ? null
                : byContainerId.computeIfAbsent(shape.containerId, PositionIndex::new);
        LogSource source = sources.get(shape.source);
        if (source == null) {
            source = shape.source;
            if (sources.size() < MAX_CANONICAL_SOURCES) {
                sources.put(source, source);
            }
        }
        MessageShape stored = shape.canonical(source, service == null ? null : service.key,
                container == null ? null : container.key);
        stored.serviceIndex = service;
        stored.containerIndex = container;
        stored.id = newId();
        byId[stored.id] = stored;
        shapes.put(stored, stored);
        return stored;
    }

    /** One more than the highest shape id in use: the size of a per-query verdict array. */
    int idLimit() {
        return idLimit;
    }

    /**
     * {@code query}'s criteria on the fields a {@link MessageShape} holds (service, container,
     * level, source type, device), or null if it has none.
     */
    static LogQuery sharedCriteria(LogQuery query) {
        if (query.serviceId() == null && query.serviceName() == null && query.containerId() == null
                && query.levels().isEmpty() && query.sourceTypes().isEmpty() && query.deviceId() == null) {
            return null;
        }
        return LogQuery.builder().serviceId(query.serviceId()).serviceName(query.serviceName())
                .containerId(query.containerId()).levels(query.levels()).sourceTypes(query.sourceTypes())
                .deviceId(query.deviceId()).build();
    }

    /**
     * Whether {@code shape} meets {@code shared} (see {@link #sharedCriteria}), decided once per
     * shape and query: {@code verdicts}, indexed by shape id, holds 0 for not yet, 1 for yes, 2
     * for no.
     */
    static boolean matches(LogQuery shared, MessageShape shape, byte[] verdicts) {
        int verdict = verdicts[shape.id];
        if (verdict == 0) {
            verdict = shared.matches(shape.probe()) ? 1 : 2;
            verdicts[shape.id] = (byte) verdict;
        }
        return verdict == 1;
    }

    /**
     * The index lists that hold every candidate for {@code query}: the smaller of the service-name
     * list and the container-id lists; an empty list if a filter matches nothing; null for a full
     * scan.
     */
    List<PositionIndex> candidates(LogQuery query) {
        List<PositionIndex> best = null;
        long bestSize = Long.MAX_VALUE;
        if (query.serviceName() != null) {
            PositionIndex index = byServiceName.get(query.serviceName());
            if (index == null) {
                return List.of();
            }
            best = List.of(index);
            bestSize = index.size();
        }
        if (query.containerId() != null) {
            String prefix = query.containerId();
            List<PositionIndex> matching = new ArrayList<>(1);
            long size = 0;
            PositionIndex exact = byContainerId.get(prefix);
            if (exact != null && prefix.length() >= 64) { // a full id: nothing longer can start with it
                matching.add(exact);
                size = exact.size();
            } else {
                for (Map.Entry<String, PositionIndex> entry : byContainerId.entrySet()) {
                    if (entry.getKey().startsWith(prefix)) {
                        matching.add(entry.getValue());
                        size += entry.getValue().size();
                    }
                }
            }
            if (matching.isEmpty()) {
                return List.of();
            }
            if (size < bestSize) {
                best = matching;
            }
        }
        return best;
    }

    /** How many service names and container ids are indexed. */
    int indexedKeys() {
        return byServiceName.size() + byContainerId.size();
    }

    /**
     * Drops index positions below {@code head} and forgets empty indexes and shapes no stored
     * message has. A shape with messages keeps its indexes: they hold those messages' positions.
     */
    void sweep(long head, long tail) {
        sweep(byServiceName, head, tail);
        sweep(byContainerId, head, tail);
        for (Iterator<MessageShape> it = shapes.keySet().iterator(); it.hasNext(); ) {
            MessageShape shape = it.next();
            if (shape.live == 0) {
                it.remove();
                byId[shape.id] = null;
                freeId(shape.id);
                shape.id = -1;
            }
        }
    }

    void clear() {
        shapes.clear();
        byServiceName.clear();
        byContainerId.clear();
        Arrays.fill(byId, null);
        Arrays.fill(recentByHash, null);
        freeCount = 0;
        idLimit = 0;
    }

    private static void sweep(Map<String, PositionIndex> indexes, long head, long tail) {
        for (Iterator<PositionIndex> it = indexes.values().iterator(); it.hasNext(); ) {
            PositionIndex index = it.next();
            index.trimBelow(head, tail);
            if (index.size() == 0) {
                it.remove();
            }
        }
    }

    private int newId() {
        if (freeCount > 0) {
            return freeIds[--freeCount];
        }
        if (idLimit == byId.length) {
            byId = Arrays.copyOf(byId, idLimit * 2);
        }
        return idLimit++;
    }

    private void freeId(int id) {
        if (freeCount == freeIds.length) {
            freeIds = Arrays.copyOf(freeIds, freeCount * 2);
        }
        freeIds[freeCount++] = id;
    }
}

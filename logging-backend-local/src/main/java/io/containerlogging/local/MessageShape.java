package io.containerlogging.local;

import io.containerlogging.core.LevelSource;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogSource;
import java.time.Instant;
import java.util.Objects;

/**
 * The fields that many stored messages share: everything but the id, text, timestamp and parsed
 * fields. {@link MessageRing} keeps one instance per distinct combination and gives each message
 * a reference to it instead of a whole {@link LogMessage}; a container's lines come in a handful
 * of shapes (one per level and stream), so a million messages of 50 services share ~400.
 *
 * <p>Equality and hash cover the shared fields only. {@link #id} and {@link #live} are the ring's
 * bookkeeping, guarded by its lock.
 */
final class MessageShape {

    final LogLevel level;
    final LogSource source;
    final Integer serviceId;
    final String serviceName;
    final String containerId;
    final boolean isStdErr;
    final boolean isSystem;
    final String deviceId;
    final LevelSource levelSource;
    private final int hash;

    /** The ring's number for this shape, a small index for per-query verdicts; -1 while not stored. */
    int id = -1;
    /** How many messages in the ring have this shape; a shape with none is forgotten at the next sweep. */
    int live;
    /** The ring's position indexes of this shape's service name and container id, or null. */
    PositionIndex serviceIndex;
    PositionIndex containerIndex;
    // A message with this shape and neither text nor timestamp, for evaluating query criteria.
    private LogMessage probe;

    MessageShape(LogLevel level, LogSource source, Integer serviceId, String serviceName, String containerId,
            boolean isStdErr, boolean isSystem, String deviceId, LevelSource levelSource) {
        this.level = level;
        this.source = source;
        this.serviceId = serviceId;
        this.serviceName = serviceName;
        this.containerId = containerId;
        this.isStdErr = isStdErr;
        this.isSystem = isSystem;
        this.deviceId = deviceId;
        this.levelSource = levelSource;
        this.hash = hash(level, source, serviceId, serviceName, containerId, isStdErr, isSystem, deviceId,
                levelSource);
    }

    /** The hash of the shape of {@code message} stored with {@code deviceId}, without making the shape. */
    static int hash(LogMessage message, String deviceId) {
        return hash(message.level(), message.source(), message.serviceId(), message.serviceName(),
                message.containerId(), message.isStdErr(), message.isSystem(), deviceId, message.levelSource());
    }

    private static int hash(LogLevel level, LogSource source, Integer serviceId, String serviceName,
            String containerId, boolean isStdErr, boolean isSystem, String deviceId, LevelSource levelSource) {
        int h = level.hashCode();
        h = 31 * h + source.hashCode();
        h = 31 * h + Objects.hashCode(serviceId);
        h = 31 * h + Objects.hashCode(serviceName);
        h = 31 * h + Objects.hashCode(containerId);
        h = 31 * h + (isStdErr ? 1 : 0) + (isSystem ? 2 : 0);
        h = 31 * h + Objects.hashCode(deviceId);
        return 31 * h + levelSource.hashCode();
    }

    /** Whether this is the shape of {@code message} stored with {@code deviceId}, whose hash is {@code hash}. */
    boolean isShapeOf(LogMessage message, String deviceId, int hash) {
        return this.hash == hash && level == message.level() && isStdErr == message.isStdErr()
                && isSystem == message.isSystem() && levelSource == message.levelSource()
                && Objects.equals(serviceName, message.serviceName())
                && Objects.equals(containerId, message.containerId())
                && Objects.equals(serviceId, message.serviceId()) && Objects.equals(this.deviceId, deviceId)
                && source.equals(message.source());
    }

    /** The shape of {@code message} stored with {@code deviceId}. */
    static MessageShape of(LogMessage message, String deviceId) {
        return new MessageShape(message.level(), message.source(), message.serviceId(), message.serviceName(),
                message.containerId(), message.isStdErr(), message.isSystem(), deviceId, message.levelSource());
    }

    /** This shape with the given canonical instances of its repeated values. */
    MessageShape canonical(LogSource canonicalSource, String canonicalServiceName, String canonicalContainerId) {
        if (canonicalSource == source && canonicalServiceName == serviceName && canonicalContainerId == containerId) {
            return this;
        }
        return new MessageShape(level, canonicalSource, serviceId, canonicalServiceName, canonicalContainerId,
                isStdErr, isSystem, deviceId, levelSource);
    }

    /** The message with this shape and the given id, text, timestamp and fields. */
    LogMessage message(String id, String text, Instant timestamp, io.containerlogging.core.LogFields fields) {
        return new LogMessage(id, text, timestamp, level, source, serviceId, serviceName, containerId, isStdErr,
                isSystem, deviceId, levelSource, fields);
    }

    /**
     * A message with this shape, an empty text, no fields and the epoch as timestamp: what a query's
     * criteria on the shared fields see. Built once; racy but idempotent (any copy is equal).
     */
    LogMessage probe() {
        LogMessage p = probe;
        if (p == null) {
            p = message(null, "", Instant.EPOCH, null);
            probe = p;
        }
        return p;
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof MessageShape)) {
            return false;
        }
        MessageShape that = (MessageShape) other;
        return hash == that.hash && level == that.level && isStdErr == that.isStdErr && isSystem == that.isSystem
                && levelSource == that.levelSource && Objects.equals(serviceName, that.serviceName)
                && Objects.equals(containerId, that.containerId) && Objects.equals(serviceId, that.serviceId)
                && Objects.equals(deviceId, that.deviceId) && source.equals(that.source);
    }

    @Override
    public int hashCode() {
        return hash;
    }
}

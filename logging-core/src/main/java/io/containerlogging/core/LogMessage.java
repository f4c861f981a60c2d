package io.containerlogging.core;

import java.time.Instant;
import java.util.Objects;

/**
 * One stored log line or event. Immutable.
 *
 * <p>The timestamp keeps full precision (Docker reports nanoseconds); JSON carries it both as the
 * epoch-millisecond {@code timestamp} and as the RFC 3339 {@code time} (see {@link LogJson}).
 *
 * @param id the {@code log-N} id a {@link LogBackend} assigned, or null before the message is stored
 * @param message the text, without trailing newline; never null
 * @param timestamp when the line was written (Docker's time for container lines); never null
 * @param level severity; never null
 * @param source origin; never null
 * @param serviceId the service id of the container's service, or null
 * @param serviceName the service name, or null
 * @param containerId the full Docker container id, or null for system and manager messages
 * @param isStdErr true if a container wrote the line to stderr
 * @param isSystem true for system and manager messages
 * @param deviceId the device (host) the message was logged on, or null; set once per device in a
 *     backend's configuration so that a central store can tell a fleet's devices apart
 * @param levelSource why the message has its level; null means {@link LevelSource#STREAM} for a
 *     container line ({@code containerId} set, not system) and {@link LevelSource#EXPLICIT} otherwise
 * @param fields the fields parsed from a structured line, or given with a manager event; null
 *     means none
 */
public record LogMessage(
        String id,
        String message,
        Instant timestamp,
        LogLevel level,
        LogSource source,
        Integer serviceId,
        String serviceName,
        String containerId,
        boolean isStdErr,
        boolean isSystem,
        String deviceId,
        LevelSource levelSource,
        LogFields fields) {

    public LogMessage {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(source, "source");
        if (levelSource == null) {
            levelSource = defaultLevelSource(containerId, isSystem);
        }
        if (fields == null) {
            fields = LogFields.empty();
        }
    }

    /**
     * A message without fields, whose level source is the default: {@link LevelSource#STREAM} for a
     * container line, {@link LevelSource#EXPLICIT} otherwise.
     */
    public LogMessage(String id, String message, Instant timestamp, LogLevel level, LogSource source,
            Integer serviceId, String serviceName, String containerId, boolean isStdErr, boolean isSystem,
            String deviceId) {
        this(id, message, timestamp, level, source, serviceId, serviceName, containerId, isStdErr, isSystem,
                deviceId, null, null);
    }

    private static LevelSource defaultLevelSource(String containerId, boolean isSystem) {
        return containerId != null && !isSystem ? LevelSource.STREAM : LevelSource.EXPLICIT;
    }

    /** The timestamp in epoch milliseconds, as the JSON {@code timestamp} field carries it. */
    public long timestampMillis() {
        return timestamp.toEpochMilli();
    }

    /** This message with {@code id} set; used by backends when they store it. */
    public LogMessage withId(String id) {
        return new LogMessage(id, message, timestamp, level, source, serviceId, serviceName,
                containerId, isStdErr, isSystem, deviceId, levelSource, fields);
    }

    /** This message with {@code deviceId} set; used by backends configured with a device id. */
    public LogMessage withDeviceId(String deviceId) {
        return new LogMessage(id, message, timestamp, level, source, serviceId, serviceName,
                containerId, isStdErr, isSystem, deviceId, levelSource, fields);
    }

    /** A builder initialised from this message. */
    public Builder toBuilder() {
        return new Builder()
                .id(id).message(message).timestamp(timestamp).level(level).source(source)
                .serviceId(serviceId).serviceName(serviceName).containerId(containerId)
                .stdErr(isStdErr).system(isSystem).deviceId(deviceId)
                .levelSource(levelSource).fields(fields);
    }

    /**
     * A builder with defaults: level {@link LogLevel#INFO}, source {@link LogSource#SYSTEM}, no id,
     * timestamp {@code Instant.now()} if none is set, no fields, and the default level source
     * (see {@link #levelSource()}).
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A system event (startup, shutdown, errors) with source {@link LogSource#SYSTEM} and
     * {@code isSystem} true.
     */
    public static LogMessage system(String message, LogLevel level, Instant timestamp) {
        return new LogMessage(null, message, timestamp, level, LogSource.SYSTEM, null, null, null,
                false, true, null);
    }

    /**
     * A container-manager event with source {@link LogSource#MANAGER} and {@code isSystem} true.
     */
    public static LogMessage manager(String message, LogLevel level, Instant timestamp) {
        return new LogMessage(null, message, timestamp, level, LogSource.MANAGER, null, null, null,
                false, true, null);
    }

    /** Builds a {@link LogMessage}. Not thread-safe. */
    public static final class Builder {
        private String id;
        private String message;
        private Instant timestamp;
        private LogLevel level = LogLevel.INFO;
        private LogSource source = LogSource.SYSTEM;
        private Integer serviceId;
        private String serviceName;
        private String containerId;
        private boolean stdErr;
        private boolean system;
        private String deviceId;
        private LevelSource levelSource;
        private LogFields fields;

        private Builder() {
        }

        public Builder id(String id) {
            this.id = id;
            return this;
        }

        public Builder message(String message) {
            this.message = message;
            return this;
        }

        public Builder timestamp(Instant timestamp) {
            this.timestamp = timestamp;
            return this;
        }

        public Builder level(LogLevel level) {
            this.level = Objects.requireNonNull(level, "level");
            return this;
        }

        public Builder source(LogSource source) {
            this.source = Objects.requireNonNull(source, "source");
            return this;
        }

        public Builder serviceId(Integer serviceId) {
            this.serviceId = serviceId;
            return this;
        }

        public Builder serviceName(String serviceName) {
            this.serviceName = serviceName;
            return this;
        }

        public Builder containerId(String containerId) {
            this.containerId = containerId;
            return this;
        }

        public Builder stdErr(boolean stdErr) {
            this.stdErr = stdErr;
            return this;
        }

        public Builder system(boolean system) {
            this.system = system;
            return this;
        }

        /** The device the message was logged on; null (the default) for none. */
        public Builder deviceId(String deviceId) {
            this.deviceId = deviceId;
            return this;
        }

        /** Why the message has its level; null (the default) for the default (see {@link LogMessage#levelSource()}). */
        public Builder levelSource(LevelSource levelSource) {
            this.levelSource = levelSource;
            return this;
        }

        /** The message's fields; null or empty (the default) for none. */
        public Builder fields(LogFields fields) {
            this.fields = fields;
            return this;
        }

        /** @throws NullPointerException if no message was set */
        public LogMessage build() {
            return new LogMessage(id, message, timestamp == null ? Instant.now() : timestamp, level,
                    source, serviceId, serviceName, containerId, stdErr, system, deviceId, levelSource, fields);
        }
    }
}

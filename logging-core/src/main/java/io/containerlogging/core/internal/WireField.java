package io.containerlogging.core.internal;

import io.containerlogging.core.LevelSource;
import io.containerlogging.core.LogFields;
import io.containerlogging.core.LogJson;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogSource;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * The wire format of a {@link LogMessage}: its JSON fields, in the order they are written. Every
 * encoder and decoder of the format walks this table, so a new field is added in this file (and
 * to its tests) and nowhere else: a constant, its case in the accessor and the {@code put} of its
 * kind, and its slot in {@link Draft}.
 *
 * <p>Each field has a JSON name, a {@link Kind} (how its value is written), an accessor for the
 * kind ({@link #string}, {@link #number}, ...) and a way to put a decoded value into a
 * {@link Draft}. A field whose accessor returns null is absent: encoders omit it, and
 * decoders treat a JSON {@code null} as absent. A {@link #required() required} field must be
 * present for a decoder to accept a message; {@link #TIME} stands in for {@link #TIMESTAMP}.
 * The {@link #SOURCE} object's own fields are {@link SourceField}.
 *
 * <pre>{@code
 * {"id":"log-1","message":"{\"msg\":\"started\",\"port\":80}","timestamp":1696195200000,
 *  "time":"2023-10-01T21:20:00.123456789Z","level":"info","levelSource":"stream",
 *  "source":{"type":"container","name":"web"},"serviceId":1,"serviceName":"web",
 *  "containerId":"abc123","deviceId":"pi-07","isStdErr":false,"isSystem":false,
 *  "fields":{"msg":"started","port":80}}
 * }</pre>
 */
public enum WireField {

    /** The {@code log-N} id a backend assigned; absent before the message is stored. */
    ID("id", Kind.STRING, false),
    MESSAGE("message", Kind.STRING, true),
    /** Epoch milliseconds; a decoder prefers {@link #TIME} when both are present. */
    TIMESTAMP("timestamp", Kind.LONG, true),
    /** The same instant at full precision, as {@link Rfc3339} writes it. */
    TIME(LogJson.TIME_FIELD, Kind.TIME, false),
    LEVEL("level", Kind.STRING, true),
    /** Why the message has its level; a decoder of a message without it uses {@link LogMessage}'s default. */
    LEVEL_SOURCE("levelSource", Kind.STRING, false),
    SOURCE("source", Kind.SOURCE, true),
    SERVICE_ID("serviceId", Kind.INT, false),
    SERVICE_NAME("serviceName", Kind.STRING, false),
    CONTAINER_ID("containerId", Kind.STRING, false),
    DEVICE_ID("deviceId", Kind.STRING, false),
    IS_STD_ERR("isStdErr", Kind.BOOLEAN, false),
    IS_SYSTEM("isSystem", Kind.BOOLEAN, false),
    /** The parsed fields, a flat object of scalars; absent when there are none. */
    FIELDS("fields", Kind.FIELDS, false);

    /** How a field's value is written, and so which accessor and {@code put} it implements. */
    public enum Kind {
        /** A JSON string; accessor {@link WireField#string}, null when absent. */
        STRING,
        /** A JSON integer in the range of {@code long}; accessor {@link WireField#number}, always present. */
        LONG,
        /** A JSON integer in the range of {@code int}; accessor {@link WireField#integer}, null when absent. */
        INT,
        /** {@code true} or {@code false}; accessor {@link WireField#bool}, always present. */
        BOOLEAN,
        /** A JSON string as {@link Rfc3339} writes it; accessor {@link WireField#time}. */
        TIME,
        /** A JSON object of the {@link SourceField}s; accessor {@link WireField#source}. */
        SOURCE,
        /**
         * A flat JSON object of scalars ({@link LogFields}); accessor {@link WireField#fields}, null
         * when there are none.
         */
        FIELDS
    }

    private static final List<WireField> IN_ORDER = List.of(values());
    private static final int REQUIRED_MASK = requiredMask();
    /** {@link #inOrder()} as an array, for {@link Utf8Buffer}'s loop (measurably faster); never modified. */
    static final WireField[] ALL = values();

    // (String text, int start, int length) -> WireField; see NameMatcher
    private static final MethodHandle BY_NAME = NameMatcher.of(WireField.class, IN_ORDER, WireField::jsonName);

    private final String jsonName;
    private final Kind kind;
    private final boolean required;
    /** {@code ,"name":} in ASCII, for {@link Utf8Buffer}. */
    final byte[] nameBytes;

    WireField(String jsonName, Kind kind, boolean required) {
        this.jsonName = jsonName;
        this.kind = kind;
        this.required = required;
        this.nameBytes = (",\"" + jsonName + "\":").getBytes(StandardCharsets.US_ASCII);
    }

    /** Every field, in the order encoders write them. */
    public static List<WireField> inOrder() {
        return IN_ORDER;
    }

    /** The field named {@code name}, or null if the format has none. */
    public static WireField named(String name) {
        return named(name, 0, name.length());
    }

    /**
     * The field whose name is {@code text[start, start + length)}, or null if the format has none.
     */
    public static WireField named(String text, int start, int length) {
        try {
            return (WireField) BY_NAME.invokeExact(text, start, length);
        } catch (Throwable e) {
            throw new AssertionError("comparing names cannot fail", e);
        }
    }

    /** The field's JSON name. */
    public String jsonName() {
        return jsonName;
    }

    /** How the field's value is written. */
    public Kind kind() {
        return kind;
    }

    /** True if a decoder rejects a message without this field ({@link #TIME} stands in for {@link #TIMESTAMP}). */
    public boolean required() {
        return required;
    }

    // The accessors and puts are switches over the fields of their kind rather than methods
    // overridden per constant: a switch inlines into the codecs' loops, a call overridden by six
    // constants does not (measured: the byte encoder ran ~4% slower that way).

    /** A {@link Kind#STRING} field's value in {@code message}, or null if absent. */
    public String string(LogMessage message) {
        switch (this) {
            case ID:
                return message.id();
            case MESSAGE:
                return message.message();
            case LEVEL:
                return message.level().wireName();
            case LEVEL_SOURCE:
                return message.levelSource().wireName();
            case SERVICE_NAME:
                return message.serviceName();
            case CONTAINER_ID:
                return message.containerId();
            case DEVICE_ID:
                return message.deviceId();
            default:
                throw wrongKind(Kind.STRING);
        }
    }

    /** A {@link Kind#LONG} field's value in {@code message}. */
    public long number(LogMessage message) {
        if (this == TIMESTAMP) {
            return message.timestampMillis();
        }
        throw wrongKind(Kind.LONG);
    }

    /** An {@link Kind#INT} field's value in {@code message}, or null if absent. */
    public Integer integer(LogMessage message) {
        if (this == SERVICE_ID) {
            return message.serviceId();
        }
        throw wrongKind(Kind.INT);
    }

    /** A {@link Kind#BOOLEAN} field's value in {@code message}. */
    public boolean bool(LogMessage message) {
        switch (this) {
            case IS_STD_ERR:
                return message.isStdErr();
            case IS_SYSTEM:
                return message.isSystem();
            default:
                throw wrongKind(Kind.BOOLEAN);
        }
    }

    /** A {@link Kind#TIME} field's value in {@code message}. */
    public Instant time(LogMessage message) {
        if (this == TIME) {
            return message.timestamp();
        }
        throw wrongKind(Kind.TIME);
    }

    /** A {@link Kind#SOURCE} field's value in {@code message}. */
    public LogSource source(LogMessage message) {
        if (this == SOURCE) {
            return message.source();
        }
        throw wrongKind(Kind.SOURCE);
    }

    /** A {@link Kind#FIELDS} field's value in {@code message}, or null if it has none. */
    public LogFields fields(LogMessage message) {
        if (this == FIELDS) {
            LogFields fields = message.fields();
            return fields.isEmpty() ? null : fields;
        }
        throw wrongKind(Kind.FIELDS);
    }

    // The decoders' side, called by Draft.put with a value of the field's kind. Each may
    // throw IllegalArgumentException for a value the model refuses (e.g. an unknown level).

    void put(Draft draft, String value) {
        switch (this) {
            case ID:
                draft.id = value;
                break;
            case MESSAGE:
                draft.message = value;
                break;
            case LEVEL:
                draft.level = LogLevel.fromWireName(value);
                break;
            case LEVEL_SOURCE:
                draft.levelSource = LevelSource.fromWireName(value);
                break;
            case SERVICE_NAME:
                draft.serviceName = value;
                break;
            case CONTAINER_ID:
                draft.containerId = value;
                break;
            case DEVICE_ID:
                draft.deviceId = value;
                break;
            default:
                throw wrongKind(Kind.STRING);
        }
    }

    void put(Draft draft, long value) {
        if (this != TIMESTAMP) {
            throw wrongKind(Kind.LONG);
        }
        draft.timestampMillis = value;
    }

    void put(Draft draft, int value) {
        if (this != SERVICE_ID) {
            throw wrongKind(Kind.INT);
        }
        draft.serviceId = value;
    }

    void put(Draft draft, boolean value) {
        switch (this) {
            case IS_STD_ERR:
                draft.isStdErr = value;
                break;
            case IS_SYSTEM:
                draft.isSystem = value;
                break;
            default:
                throw wrongKind(Kind.BOOLEAN);
        }
    }

    void put(Draft draft, Instant value) {
        if (this != TIME) {
            throw wrongKind(Kind.TIME);
        }
        draft.time = value;
    }

    void put(Draft draft, LogSource value) {
        if (this != SOURCE) {
            throw wrongKind(Kind.SOURCE);
        }
        draft.source = value;
    }

    void put(Draft draft, LogFields value) {
        if (this != FIELDS) {
            throw wrongKind(Kind.FIELDS);
        }
        draft.fields = value;
    }

    private static int requiredMask() {
        int mask = 0;
        for (WireField field : IN_ORDER) {
            if (field.required) {
                mask |= 1 << field.ordinal();
            }
        }
        return mask;
    }

    private IllegalStateException wrongKind(Kind asked) {
        return new IllegalStateException("'" + jsonName + "' is " + kind + ", not " + asked);
    }

    /**
     * What a decoder has read of one message so far: it {@link #put}s each field's value as it meets
     * it (a repeated field: the last value wins), then {@link #build()}s the message.
     *
     * <p>Not thread-safe; one per decoded message.
     */
    public static final class Draft {

        // One slot per field (the decoders' locals, in effect), filled by WireField.put.
        String id;
        String message;
        long timestampMillis;
        Instant time;
        LogLevel level;
        LevelSource levelSource;
        LogSource source;
        Integer serviceId;
        String serviceName;
        String containerId;
        String deviceId;
        boolean isStdErr;
        boolean isSystem;
        LogFields fields;
        private int present; // bit (1 << ordinal) per WireField that was put

        /** Puts the value of a {@link WireField.Kind#STRING} field. */
        public void put(WireField field, String value) {
            field.put(this, value);
            present |= 1 << field.ordinal();
        }

        /** Puts the value of a {@link WireField.Kind#LONG} field. */
        public void put(WireField field, long value) {
            field.put(this, value);
            present |= 1 << field.ordinal();
        }

        /** Puts the value of an {@link WireField.Kind#INT} field. */
        public void put(WireField field, int value) {
            field.put(this, value);
            present |= 1 << field.ordinal();
        }

        /** Puts the value of a {@link WireField.Kind#BOOLEAN} field. */
        public void put(WireField field, boolean value) {
            field.put(this, value);
            present |= 1 << field.ordinal();
        }

        /** Puts the value of a {@link WireField.Kind#TIME} field. */
        public void put(WireField field, Instant value) {
            field.put(this, value);
            present |= 1 << field.ordinal();
        }

        /** Puts the value of a {@link WireField.Kind#SOURCE} field. */
        public void put(WireField field, LogSource value) {
            field.put(this, value);
            present |= 1 << field.ordinal();
        }

        /** Puts the value of a {@link WireField.Kind#FIELDS} field. */
        public void put(WireField field, LogFields value) {
            field.put(this, value);
            present |= 1 << field.ordinal();
        }

        /**
         * The message read.
         *
         * @throws IllegalArgumentException if a required field is missing
         */
        public LogMessage build() {
            int have = has(WireField.TIME) ? present | 1 << WireField.TIMESTAMP.ordinal() : present;
            if ((have & REQUIRED_MASK) != REQUIRED_MASK) {
                for (WireField field : WireField.inOrder()) {
                    if (field.required() && (have & 1 << field.ordinal()) == 0) {
                        throw new IllegalArgumentException("not a log message: '" + field.jsonName() + "' is missing");
                    }
                }
            }
            // The full-precision time wins over the millisecond timestamp, wherever each stood.
            Instant timestamp = time != null ? time : Instant.ofEpochMilli(timestampMillis);
            return new LogMessage(id, message, timestamp, level, source, serviceId, serviceName, containerId,
                    isStdErr, isSystem, deviceId, levelSource, fields);
        }

        private boolean has(WireField field) {
            return (present & (1 << field.ordinal())) != 0;
        }
    }
}

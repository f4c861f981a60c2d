package io.containerlogging.core;

import com.google.gson.JsonParser;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import io.containerlogging.core.internal.LogJsonFastParser;
import io.containerlogging.core.internal.Rfc3339;
import io.containerlogging.core.internal.SourceField;
import io.containerlogging.core.internal.WireField;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;

/**
 * The one JSON wire format of {@link LogMessage}, shared by file persistence and the REST API,
 * on gson's streaming API (no reflection).
 *
 * <p>A message is written as one JSON object with these fields, in this order, null fields omitted:
 * <pre>{@code
 * {"id":"log-1","message":"Server started","timestamp":1696195200000,
 *  "time":"2023-10-01T21:20:00.123456789Z","level":"info","levelSource":"stream",
 *  "source":{"type":"container","name":"web"},"serviceId":1,"serviceName":"web",
 *  "containerId":"abc123","isStdErr":false,"isSystem":false,"fields":{"port":80}}
 * }</pre>
 * {@code timestamp} is epoch milliseconds. {@code time} is the same instant at full (nanosecond)
 * precision, RFC 3339 in UTC with nine fraction digits, so that values sort as strings. When reading, {@code time} wins over {@code timestamp};
 * unknown fields are skipped, so older readers and newer writers get along.
 * A message with a {@link LogMessage#deviceId() deviceId} carries it right after
 * {@code containerId}; without one the field is absent. {@code levelSource} says why the message
 * has its level ({@link LevelSource}); {@code fields}, the {@link LogFields} parsed from a
 * structured line, is a flat object of scalars and is absent when there are none.
 *
 * <p>Thread-safety: all static methods are stateless and thread-safe.
 */
public final class LogJson {

    /** The name of the extra full-precision time field. */
    public static final String TIME_FIELD = "time";

    private static final TypeAdapter<LogMessage> ADAPTER = new TypeAdapter<>() {
        @Override
        public void write(JsonWriter out, LogMessage value) throws IOException {
            if (value == null) {
                out.nullValue();
            } else {
                LogJson.write(out, value);
            }
        }

        @Override
        public LogMessage read(JsonReader in) throws IOException {
            if (in.peek() == JsonToken.NULL) {
                in.nextNull();
                return null;
            }
            return LogJson.read(in);
        }
    };

    private LogJson() {
    }

    /**
     * A gson {@link TypeAdapter} for {@link LogMessage}, for hosts that use gson themselves.
     *
     * @return the adapter; it writes and reads as {@link #write} and {@link #read}, and null as JSON null
     */
    public static TypeAdapter<LogMessage> typeAdapter() {
        return ADAPTER;
    }

    /**
     * Writes {@code message} as one JSON object.
     *
     * @param out where to write; its settings (e.g. indentation) apply
     * @param message the message
     * @throws IOException if {@code out} fails
     */
    public static void write(JsonWriter out, LogMessage message) throws IOException {
        out.beginObject();
        for (WireField field : WireField.inOrder()) {
            switch (field.kind()) {
                case STRING: {
                    String value = field.string(message);
                    if (value != null) {
                        out.name(field.jsonName()).value(value);
                    }
                    break;
                }
                case LONG:
                    out.name(field.jsonName()).value(field.number(message));
                    break;
                case INT: {
                    Integer value = field.integer(message);
                    if (value != null) {
                        out.name(field.jsonName()).value(value.longValue());
                    }
                    break;
                }
                case BOOLEAN:
                    out.name(field.jsonName()).value(field.bool(message));
                    break;
                case TIME:
                    out.name(field.jsonName()).value(formatTime(field.time(message)));
                    break;
                case SOURCE:
                    writeSource(out.name(field.jsonName()), field.source(message));
                    break;
                case FIELDS: {
                    LogFields fields = field.fields(message);
                    if (fields != null) {
                        writeFields(out.name(field.jsonName()), fields);
                    }
                    break;
                }
                default:
                    throw new AssertionError(field.kind());
            }
        }
        out.endObject();
    }

    private static void writeFields(JsonWriter out, LogFields fields) throws IOException {
        out.beginObject();
        for (int i = 0, n = fields.size(); i < n; i++) {
            out.name(fields.key(i));
            Object value = fields.value(i);
            if (value instanceof String) {
                out.value((String) value);
            } else if (value instanceof Boolean) {
                out.value((Boolean) value);
            } else {
                out.value((Number) value);
            }
        }
        out.endObject();
    }

    private static void writeSource(JsonWriter out, LogSource source) throws IOException {
        out.beginObject();
        for (SourceField field : SourceField.inOrder()) {
            String value = field.string(source);
            if (value != null) {
                out.name(field.jsonName()).value(value);
            }
        }
        out.endObject();
    }

    /**
     * Reads one JSON object as a message.
     *
     * @param in positioned at the object
     * @return the message
     * @throws IOException if the JSON is malformed or ends early
     * @throws IllegalArgumentException if it is JSON but not a valid message (a required field
     *     missing or of the wrong type, an unknown level or source type)
     */
    public static LogMessage read(JsonReader in) throws IOException {
        WireField.Draft draft = new WireField.Draft();
        try {
            in.beginObject();
            while (in.hasNext()) {
                WireField field = WireField.named(in.nextName());
                if (in.peek() == JsonToken.NULL) {
                    in.nextNull();
                } else if (field == null) {
                    in.skipValue();
                } else {
                    readValue(in, field, draft);
                }
            }
            in.endObject();
        } catch (IllegalStateException | NumberFormatException | DateTimeException e) {
            // gson reports a value of the wrong JSON type as IllegalStateException
            throw new IllegalArgumentException("not a log message: " + e.getMessage(), e);
        }
        return draft.build();
    }

    private static void readValue(JsonReader in, WireField field, WireField.Draft draft) throws IOException {
        switch (field.kind()) {
            case STRING:
                draft.put(field, in.nextString());
                break;
            case LONG:
                draft.put(field, in.nextLong());
                break;
            case INT:
                draft.put(field, in.nextInt());
                break;
            case BOOLEAN:
                draft.put(field, in.nextBoolean());
                break;
            case TIME:
                draft.put(field, parseTime(in.nextString()));
                break;
            case SOURCE:
                draft.put(field, readSource(in));
                break;
            case FIELDS:
                draft.put(field, readFields(in));
                break;
            default:
                throw new AssertionError(field.kind());
        }
    }

    /** Reads a fields object; nested objects are flattened to dotted paths, arrays kept as their JSON text. */
    private static LogFields readFields(JsonReader in) throws IOException {
        LogFields.Builder fields = LogFields.builder();
        readFields(in, "", fields);
        return fields.build();
    }

    private static void readFields(JsonReader in, String prefix, LogFields.Builder fields) throws IOException {
        in.beginObject();
        while (in.hasNext()) {
            String path = prefix + in.nextName();
            switch (in.peek()) {
                case STRING:
                    fields.put(path, in.nextString());
                    break;
                case NUMBER:
                    fields.put(path, new BigDecimal(in.nextString()));
                    break;
                case BOOLEAN:
                    fields.put(path, in.nextBoolean());
                    break;
                case BEGIN_OBJECT:
                    readFields(in, path + ".", fields);
                    break;
                case BEGIN_ARRAY:
                    fields.put(path, JsonParser.parseReader(in).toString());
                    break;
                default:
                    in.skipValue(); // null
            }
        }
        in.endObject();
    }

    private static LogSource readSource(JsonReader in) throws IOException {
        String[] values = SourceField.newValues();
        in.beginObject();
        while (in.hasNext()) {
            SourceField field = SourceField.named(in.nextName());
            if (in.peek() == JsonToken.NULL) {
                in.nextNull();
            } else if (field == null) {
                in.skipValue();
            } else {
                values[field.ordinal()] = in.nextString();
            }
        }
        in.endObject();
        return SourceField.toSource(values);
    }

    /**
     * {@code message} as a single-line JSON object.
     *
     * @param message the message
     * @return its JSON, as {@link #write} writes it
     */
    public static String toJson(LogMessage message) {
        StringWriter buffer = new StringWriter(256);
        try {
            write(new JsonWriter(buffer), message);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return buffer.toString();
    }

    /**
     * Parses one JSON object (e.g. one NDJSON line) as a message.
     *
     * @param json the object
     * @return the message
     * @throws IllegalArgumentException if {@code json} is not exactly one valid message object
     */
    public static LogMessage fromJson(String json) {
        LogMessage common = LogJsonFastParser.tryParse(json); // the form LogJson writes, ~5x faster
        if (common != null) {
            return common;
        }
        try {
            JsonReader reader = new JsonReader(new StringReader(json));
            LogMessage message = read(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new IllegalArgumentException("not a log message: trailing content");
            }
            return message;
        } catch (IOException e) {
            throw new IllegalArgumentException("not a log message: " + e.getMessage(), e);
        }
    }

    /**
     * {@code time} as RFC 3339 in UTC with exactly nine fraction digits, e.g.
     * {@code 2023-10-01T21:20:00.000000001Z}. (Years outside 0000-9999, never seen in logs, are
     * written as {@link Instant#toString()} writes them.)
     *
     * @param time the instant
     * @return its text
     */
    public static String formatTime(Instant time) {
        return Rfc3339.format(time);
    }

    /**
     * Parses an RFC 3339 date-time, with any number of fraction digits and any offset. The
     * nine-digit UTC form that {@link #formatTime} and Docker write takes a fast path.
     *
     * @param text the date-time
     * @return the instant
     * @throws DateTimeException if {@code text} is not RFC 3339
     */
    public static Instant parseTime(String text) {
        return Rfc3339.parse(text);
    }
}

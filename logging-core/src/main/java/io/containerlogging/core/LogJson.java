package io.containerlogging.core;

import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * The one JSON wire format of {@link LogMessage}, shared by file persistence and the REST API,
 * on gson's streaming API (no reflection).
 *
 * <p>A message is written with the seed's fields, in the seed's order, null fields omitted:
 * <pre>{@code
 * {"id":"log-1","message":"Server started","timestamp":1696195200000,
 *  "time":"2023-10-01T21:20:00.123456789Z","level":"info",
 *  "source":{"type":"container","name":"web"},"serviceId":1,"serviceName":"web",
 *  "containerId":"abc123","isStdErr":false,"isSystem":false}
 * }</pre>
 * {@code timestamp} is epoch milliseconds, exactly as the seed has it. {@code time} is an extra
 * field: the same instant at full (nanosecond) precision, RFC 3339 in UTC with nine fraction
 * digits, so that values sort as strings. When reading, {@code time} wins over {@code timestamp};
 * unknown fields are skipped, so older readers and newer writers get along.
 * A message with a {@link LogMessage#deviceId() deviceId} carries it right after
 * {@code containerId}; without one the field is absent.
 *
 * <p>Thread-safety: all methods are stateless and thread-safe.
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

    /** A gson {@link TypeAdapter} for {@link LogMessage}, for hosts that use gson themselves. */
    public static TypeAdapter<LogMessage> typeAdapter() {
        return ADAPTER;
    }

    /** Writes {@code message} as one JSON object. */
    public static void write(JsonWriter out, LogMessage message) throws IOException {
        out.beginObject();
        if (message.id() != null) {
            out.name("id").value(message.id());
        }
        out.name("message").value(message.message());
        out.name("timestamp").value(message.timestampMillis());
        out.name(TIME_FIELD).value(formatTime(message.timestamp()));
        out.name("level").value(message.level().wireName());
        out.name("source").beginObject();
        out.name("type").value(message.source().type().wireName());
        if (message.source().name() != null) {
            out.name("name").value(message.source().name());
        }
        out.endObject();
        if (message.serviceId() != null) {
            out.name("serviceId").value(message.serviceId().longValue());
        }
        if (message.serviceName() != null) {
            out.name("serviceName").value(message.serviceName());
        }
        if (message.containerId() != null) {
            out.name("containerId").value(message.containerId());
        }
        if (message.deviceId() != null) {
            out.name("deviceId").value(message.deviceId());
        }
        out.name("isStdErr").value(message.isStdErr());
        out.name("isSystem").value(message.isSystem());
        out.endObject();
    }

    /**
     * Reads one JSON object as a message.
     *
     * @throws IOException if the JSON is malformed or ends early
     * @throws IllegalArgumentException if it is JSON but not a valid message (a required field
     *     missing or of the wrong type, an unknown level or source type)
     */
    public static LogMessage read(JsonReader in) throws IOException {
        String id = null;
        String message = null;
        Long timestampMillis = null;
        Instant time = null;
        LogLevel level = null;
        LogSource source = null;
        Integer serviceId = null;
        String serviceName = null;
        String containerId = null;
        String deviceId = null;
        boolean isStdErr = false;
        boolean isSystem = false;
        try {
            in.beginObject();
            while (in.hasNext()) {
                String name = in.nextName();
                if (in.peek() == JsonToken.NULL) {
                    in.nextNull();
                    continue;
                }
                switch (name) {
                    case "id":
                        id = in.nextString();
                        break;
                    case "message":
                        message = in.nextString();
                        break;
                    case "timestamp":
                        timestampMillis = in.nextLong();
                        break;
                    case TIME_FIELD:
                        time = parseTime(in.nextString());
                        break;
                    case "level":
                        level = LogLevel.fromWireName(in.nextString());
                        break;
                    case "source":
                        source = readSource(in);
                        break;
                    case "serviceId":
                        serviceId = in.nextInt();
                        break;
                    case "serviceName":
                        serviceName = in.nextString();
                        break;
                    case "containerId":
                        containerId = in.nextString();
                        break;
                    case "deviceId":
                        deviceId = in.nextString();
                        break;
                    case "isStdErr":
                        isStdErr = in.nextBoolean();
                        break;
                    case "isSystem":
                        isSystem = in.nextBoolean();
                        break;
                    default:
                        in.skipValue();
                }
            }
            in.endObject();
        } catch (IllegalStateException | NumberFormatException | DateTimeException e) {
            // gson reports a value of the wrong JSON type as IllegalStateException
            throw new IllegalArgumentException("not a log message: " + e.getMessage(), e);
        }
        if (message == null) {
            throw new IllegalArgumentException("not a log message: 'message' is missing");
        }
        if (time == null && timestampMillis == null) {
            throw new IllegalArgumentException("not a log message: 'timestamp' is missing");
        }
        if (level == null) {
            throw new IllegalArgumentException("not a log message: 'level' is missing");
        }
        if (source == null) {
            throw new IllegalArgumentException("not a log message: 'source' is missing");
        }
        Instant timestamp = time != null ? time : Instant.ofEpochMilli(timestampMillis);
        return new LogMessage(id, message, timestamp, level, source, serviceId, serviceName,
                containerId, isStdErr, isSystem, deviceId);
    }

    private static LogSource readSource(JsonReader in) throws IOException {
        SourceType type = null;
        String name = null;
        in.beginObject();
        while (in.hasNext()) {
            String field = in.nextName();
            if (in.peek() == JsonToken.NULL) {
                in.nextNull();
            } else if (field.equals("type")) {
                type = SourceType.fromWireName(in.nextString());
            } else if (field.equals("name")) {
                name = in.nextString();
            } else {
                in.skipValue();
            }
        }
        in.endObject();
        if (type == null) {
            throw new IllegalArgumentException("not a log message: 'source.type' is missing");
        }
        return new LogSource(type, name);
    }

    /** {@code message} as a single-line JSON object. */
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
     * @throws IllegalArgumentException if {@code json} is not exactly one valid message object
     */
    public static LogMessage fromJson(String json) {
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

    /** Writes the seed's {@code GET /api/v1/logs} response: {@code {"count": n, "logs": [...]}}. */
    public static void writeLogsResponse(JsonWriter out, List<LogMessage> logs) throws IOException {
        out.beginObject();
        out.name("count").value(logs.size());
        out.name("logs").beginArray();
        for (LogMessage message : logs) {
            write(out, message);
        }
        out.endArray();
        out.endObject();
    }

    /** Writes the seed's {@code GET /api/v1/logs/count} response: {@code {"count": n}}. */
    public static void writeCountResponse(JsonWriter out, long count) throws IOException {
        out.beginObject();
        out.name("count").value(count);
        out.endObject();
    }

    /**
     * {@code time} as RFC 3339 in UTC with exactly nine fraction digits, e.g.
     * {@code 2023-10-01T21:20:00.000000001Z}.
     */
    public static String formatTime(Instant time) {
        long seconds = time.getEpochSecond();
        long day = Math.floorDiv(seconds, 86_400L);
        int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
        LocalDate date = LocalDate.ofEpochDay(day);
        int year = date.getYear();
        if (year < 0 || year > 9999) {
            return time.toString(); // outside RFC 3339's four-digit years; never seen in logs
        }
        char[] out = new char[30];
        digits(out, 0, year, 4);
        out[4] = '-';
        digits(out, 5, date.getMonthValue(), 2);
        out[7] = '-';
        digits(out, 8, date.getDayOfMonth(), 2);
        out[10] = 'T';
        digits(out, 11, secondOfDay / 3600, 2);
        out[13] = ':';
        digits(out, 14, secondOfDay / 60 % 60, 2);
        out[16] = ':';
        digits(out, 17, secondOfDay % 60, 2);
        out[19] = '.';
        digits(out, 20, time.getNano(), 9);
        out[29] = 'Z';
        return new String(out);
    }

    /**
     * Parses an RFC 3339 date-time, with any number of fraction digits and any offset. The
     * nine-digit UTC form that {@link #formatTime} and Docker write takes a fast path.
     *
     * @throws DateTimeException if {@code text} is not RFC 3339
     */
    public static Instant parseTime(String text) {
        if (text.length() == 30 && text.charAt(29) == 'Z' && text.charAt(19) == '.'
                && text.charAt(4) == '-' && text.charAt(10) == 'T') {
            int year = number(text, 0, 4);
            int month = number(text, 5, 2);
            int dayOfMonth = number(text, 8, 2);
            int hour = number(text, 11, 2);
            int minute = number(text, 14, 2);
            int second = number(text, 17, 2);
            int nano = number(text, 20, 9);
            if (year >= 0 && month >= 0 && dayOfMonth >= 0 && hour >= 0 && hour < 24
                    && minute >= 0 && minute < 60 && second >= 0 && second < 60 && nano >= 0) {
                long epochDay = LocalDate.of(year, month, dayOfMonth).toEpochDay();
                return Instant.ofEpochSecond(epochDay * 86_400L + hour * 3600L + minute * 60L + second, nano);
            }
        }
        return OffsetDateTime.parse(text).toInstant();
    }

    private static void digits(char[] out, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    /** The decimal number in {@code text[at, at + width)}, or -1 if any char is not a digit. */
    private static int number(String text, int at, int width) {
        int value = 0;
        for (int i = at; i < at + width; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}

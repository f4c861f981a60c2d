package io.containerlogging.core;

import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Arrays;
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
 * <p>{@link Utf8Buffer} writes the same bytes straight into a byte array, several times faster
 * than a {@link JsonWriter} over a UTF-8 {@link java.io.Writer}; the REST API and the file writer
 * use it.
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

    /**
     * A growable byte buffer that encodes messages as UTF-8 JSON directly, byte for byte the same
     * as {@link #write(JsonWriter, LogMessage)} through a UTF-8 {@link java.io.Writer} (gson's
     * escaping without HTML escaping; a lone surrogate becomes {@code ?}, as the JDK's UTF-8
     * encoder writes it), without the per-character work of a {@code Writer} chain.
     *
     * <p>Not thread-safe: one per thread or per response.
     */
    public static final class Utf8Buffer {
        private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        // 0: written as is; 1: \\uXXXX; else the character after the backslash (gson's short escapes)
        private static final byte[] ESCAPE = new byte[128];

        static {
            for (int c = 0; c < 0x20; c++) {
                ESCAPE[c] = 1;
            }
            ESCAPE['"'] = '"';
            ESCAPE['\\'] = '\\';
            ESCAPE['\t'] = 't';
            ESCAPE['\b'] = 'b';
            ESCAPE['\n'] = 'n';
            ESCAPE['\r'] = 'r';
            ESCAPE['\f'] = 'f';
        }

        private byte[] bytes;
        private int size;

        /**
         * An empty buffer.
         *
         * @param initialCapacity bytes to reserve; it grows as needed
         * @throws IllegalArgumentException if negative
         */
        public Utf8Buffer(int initialCapacity) {
            if (initialCapacity < 0) {
                throw new IllegalArgumentException("initialCapacity must be >= 0, was " + initialCapacity);
            }
            this.bytes = new byte[initialCapacity];
        }

        /** Appends {@code message} as one JSON object, as {@link LogJson#write(JsonWriter, LogMessage)}. */
        public Utf8Buffer write(LogMessage message) {
            ensure(64);
            bytes[size++] = '{';
            if (message.id() != null) {
                ascii("\"id\":");
                string(message.id());
                ascii(",\"message\":");
            } else {
                ascii("\"message\":");
            }
            string(message.message());
            ascii(",\"timestamp\":");
            number(message.timestampMillis());
            ascii(",\"time\":\"");
            time(message.timestamp());
            ascii("\",\"level\":");
            string(message.level().wireName());
            ascii(",\"source\":{\"type\":");
            string(message.source().type().wireName());
            if (message.source().name() != null) {
                ascii(",\"name\":");
                string(message.source().name());
            }
            ascii("}");
            if (message.serviceId() != null) {
                ascii(",\"serviceId\":");
                number(message.serviceId().longValue());
            }
            if (message.serviceName() != null) {
                ascii(",\"serviceName\":");
                string(message.serviceName());
            }
            if (message.containerId() != null) {
                ascii(",\"containerId\":");
                string(message.containerId());
            }
            if (message.deviceId() != null) {
                ascii(",\"deviceId\":");
                string(message.deviceId());
            }
            ascii(message.isStdErr() ? ",\"isStdErr\":true" : ",\"isStdErr\":false");
            ascii(message.isSystem() ? ",\"isSystem\":true}" : ",\"isSystem\":false}");
            return this;
        }

        /** Appends the {@code GET /api/v1/logs} response, as {@link LogJson#writeLogsResponse}. */
        public Utf8Buffer writeLogsResponse(List<LogMessage> logs) {
            ascii("{\"count\":");
            number(logs.size());
            ascii(",\"logs\":[");
            for (int i = 0; i < logs.size(); i++) {
                if (i > 0) {
                    ensure(1);
                    bytes[size++] = ',';
                }
                write(logs.get(i));
            }
            ascii("]}");
            return this;
        }

        /**
         * Appends {@code content} as is, e.g. a message encoded earlier by another buffer's
         * {@link #write(LogMessage)}.
         */
        public Utf8Buffer append(byte[] content) {
            ensure(content.length);
            System.arraycopy(content, 0, bytes, size, content.length);
            size += content.length;
            return this;
        }

        /** Appends one byte, e.g. the newline between NDJSON lines. */
        public Utf8Buffer append(byte b) {
            ensure(1);
            bytes[size++] = b;
            return this;
        }

        /** The number of bytes written since the last {@link #reset()}. */
        public int size() {
            return size;
        }

        /** Empties the buffer, keeping its capacity. */
        public void reset() {
            size = 0;
        }

        /** Writes the content to {@code out} in one call. */
        public void writeTo(OutputStream out) throws IOException {
            out.write(bytes, 0, size);
        }

        /** A copy of the content. */
        public byte[] toByteArray() {
            return Arrays.copyOf(bytes, size);
        }

        private void ensure(int more) {
            if (size + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(size + more, bytes.length * 2 + 64));
            }
        }

        /** Appends {@code text}, which must be ASCII without anything to escape. */
        private void ascii(String text) {
            int length = text.length();
            ensure(length);
            byte[] out = bytes;
            int at = size;
            for (int i = 0; i < length; i++) {
                out[at + i] = (byte) text.charAt(i);
            }
            size = at + length;
        }

        private void number(long value) {
            if (value >= 0 && value < 10) {
                ensure(1);
                bytes[size++] = (byte) ('0' + value);
            } else {
                ascii(Long.toString(value));
            }
        }

        private void string(String text) {
            // Fast path: the JDK's own UTF-8 encoding (a plain array copy for ASCII text), then
            // one pass over the bytes. Any byte below 0x20 (negative bytes included: non-ASCII),
            // a quote or a backslash sends the text down the char-by-char path instead.
            byte[] encoded = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            int count = encoded.length;
            boolean plain = true;
            for (int i = 0; i < count; i++) {
                byte b = encoded[i];
                if (b < 0x20 || b == '"' || b == '\\') {
                    plain = false;
                    break;
                }
            }
            if (plain) {
                ensure(count + 2);
                byte[] out = bytes;
                out[size] = '"';
                System.arraycopy(encoded, 0, out, size + 1, count);
                out[size + 1 + count] = '"';
                size += count + 2;
                return;
            }
            escapedString(text);
        }

        private void escapedString(String text) {
            int length = text.length();
            ensure(length + 2);
            byte[] out = bytes;
            int at = size;
            out[at++] = '"';
            for (int i = 0; i < length; i++) {
                char c = text.charAt(i);
                if (c < 0x80 && ESCAPE[c] == 0) {
                    if (at == out.length) {
                        size = at;
                        ensure(length - i + 1);
                        out = bytes;
                    }
                    out[at++] = (byte) c;
                    continue;
                }
                // The slow path: make room for the longest form (6 bytes) plus the rest of the
                // text at one byte a char and the closing quote.
                size = at;
                ensure(6 + (length - i) + 1);
                out = bytes;
                if (c < 0x80) {
                    byte escape = ESCAPE[c];
                    out[at++] = '\\';
                    if (escape == 1) {
                        out[at++] = 'u';
                        out[at++] = '0';
                        out[at++] = '0';
                        out[at++] = HEX[c >> 4];
                        out[at++] = HEX[c & 0xf];
                    } else {
                        out[at++] = escape;
                    }
                } else if (c < 0x800) {
                    out[at++] = (byte) (0xc0 | (c >> 6));
                    out[at++] = (byte) (0x80 | (c & 0x3f));
                } else if (c == '\u2028' || c == '\u2029') {
                    out[at++] = '\\';
                    out[at++] = 'u';
                    out[at++] = '2';
                    out[at++] = '0';
                    out[at++] = '2';
                    out[at++] = c == '\u2028' ? (byte) '8' : (byte) '9';
                } else if (Character.isSurrogate(c)) {
                    char low;
                    if (Character.isHighSurrogate(c) && i + 1 < length
                            && Character.isLowSurrogate(low = text.charAt(i + 1))) {
                        int codePoint = Character.toCodePoint(c, low);
                        out[at++] = (byte) (0xf0 | (codePoint >> 18));
                        out[at++] = (byte) (0x80 | ((codePoint >> 12) & 0x3f));
                        out[at++] = (byte) (0x80 | ((codePoint >> 6) & 0x3f));
                        out[at++] = (byte) (0x80 | (codePoint & 0x3f));
                        i++;
                    } else {
                        out[at++] = '?'; // what the JDK's UTF-8 encoder writes for a lone surrogate
                    }
                } else {
                    out[at++] = (byte) (0xe0 | (c >> 12));
                    out[at++] = (byte) (0x80 | ((c >> 6) & 0x3f));
                    out[at++] = (byte) (0x80 | (c & 0x3f));
                }
            }
            size = at;
            ensure(1);
            bytes[size++] = '"';
        }

        /** As {@link LogJson#formatTime}, without the intermediate String. */
        private void time(Instant time) {
            long seconds = time.getEpochSecond();
            long day = Math.floorDiv(seconds, 86_400L);
            int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
            LocalDate date = LocalDate.ofEpochDay(day);
            int year = date.getYear();
            if (year < 0 || year > 9999) {
                ascii(time.toString()); // outside RFC 3339's four-digit years; never seen in logs
                return;
            }
            ensure(30);
            byte[] out = bytes;
            int at = size;
            digits(out, at, year, 4);
            out[at + 4] = '-';
            digits(out, at + 5, date.getMonthValue(), 2);
            out[at + 7] = '-';
            digits(out, at + 8, date.getDayOfMonth(), 2);
            out[at + 10] = 'T';
            digits(out, at + 11, secondOfDay / 3600, 2);
            out[at + 13] = ':';
            digits(out, at + 14, secondOfDay / 60 % 60, 2);
            out[at + 16] = ':';
            digits(out, at + 17, secondOfDay % 60, 2);
            out[at + 19] = '.';
            digits(out, at + 20, time.getNano(), 9);
            out[at + 29] = 'Z';
            size = at + 30;
        }

        private static void digits(byte[] out, int at, int value, int width) {
            for (int i = at + width - 1; i >= at; i--) {
                out[i] = (byte) ('0' + value % 10);
                value /= 10;
            }
        }
    }
}

package io.containerlogging.forward.syslog;

import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.SourceType;
import io.containerlogging.core.forward.CanonicalSpans;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;

/**
 * Turns a {@link LogMessage} into one RFC 5424 syslog message framed by octet counting (RFC 6587
 * §3.4.1: the message's length in bytes, a space, the message). docs/forwarding-syslog.md describes
 * the format; this class is its one implementation.
 *
 * <p>Log lines are untrusted: every byte of a line may be anything, and the frame still holds,
 * because the count is taken over the encoded bytes. Lone surrogates become U+FFFD; header fields
 * are reduced to the printable ASCII the RFC allows; structured-data values are escaped and capped.
 *
 * <p>Not thread-safe: it reuses its buffers. A sink owns one and uses it under its lock.
 */
final class Rfc5424Encoder {

    /** The SD-ID of our structured-data element: a name at IANA's example enterprise number (RFC 5612). */
    static final String SD_ID = "cl@32473";

    /** Structured-data values longer than this many chars are cut, so a header never crowds out the line. */
    static final int MAX_SD_VALUE_CHARS = 128;

    /** Appended to a line cut to fit {@code maxMessageSize}. */
    static final String TRUNCATION_MARKER = "...[truncated]";

    /**
     * The smallest allowed {@code maxMessageSize}: the header (at most 376 bytes) and the
     * structured data (at most about 1 700 bytes with every value at its cap) always fit, with room
     * for the marker and some of the line.
     */
    static final int MIN_MESSAGE_SIZE = 4096;

    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    private static final byte[] REPLACEMENT = {(byte) 0xEF, (byte) 0xBF, (byte) 0xBD};
    private static final int MAX_HOSTNAME = 255;
    private static final byte[] CONTAINER_PARAM = paramPrefix("container");
    private static final byte[] SERVICE_PARAM = paramPrefix("service");
    private static final byte[] SERVICE_ID_PARAM = paramPrefix("serviceId");
    private static final byte[] DEVICE_PARAM = paramPrefix("device");
    private static final byte[] SOURCE_PARAM = paramPrefix("source");
    private static final byte[] STDERR_PARAM = (" stream=\"stderr\"").getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_MSGID = 32;
    /** 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the years RFC 5424's four digits can hold. */
    private static final long MIN_SECOND = -62167219200L;
    private static final long MAX_SECOND = 253402300799L;

    private final int facility;
    private final byte[] appName;
    private final int maxMessageSize;
    private final boolean byteOrderMark;

    private final Bytes header = new Bytes(512);
    private final Bytes structuredData = new Bytes(512);
    private final Bytes line = new Bytes(1024);
    private final byte[] count = new byte[11];
    private final Bytes cachedTime = new Bytes(20);
    private final CanonicalFields stored = new CanonicalFields();
    /** PRI and VERSION of each level (by ordinal), and APP-NAME with PROCID: the same for every message. */
    private final byte[][] priAndVersion = new byte[LogLevel.values().length][];
    private final byte[] appNameAndProcId;
    private long cachedSecond = Long.MIN_VALUE;

    Rfc5424Encoder(int facility, String appName, int maxMessageSize, boolean byteOrderMark) {
        this.facility = facility;
        this.appName = appName.getBytes(StandardCharsets.US_ASCII);
        this.maxMessageSize = maxMessageSize;
        this.byteOrderMark = byteOrderMark;
        for (LogLevel level : LogLevel.values()) {
            priAndVersion[level.ordinal()] = ("<" + (facility * 8 + severity(level)) + ">1 ").getBytes(StandardCharsets.US_ASCII);
        }
        this.appNameAndProcId = (appName + " - ").getBytes(StandardCharsets.US_ASCII);
    }

    /** The syslog severity of a level (docs/forwarding-syslog.md has the table). */
    static int severity(LogLevel level) {
        switch (level) {
            case ERROR:
                return 3;
            case WARN:
                return 4;
            case INFO:
                return 6;
            case DEBUG:
                return 7;
            default:
                throw new AssertionError(level);
        }
    }

    /**
     * Writes the octet-counted frame of {@code message} to {@code out}.
     *
     * @return true if the line was cut to fit the maximum message size
     */
    boolean writeFrame(LogMessage message, OutputStream out) throws IOException {
        Bytes frame = new Bytes(256);
        boolean truncated = appendFrame(message, frame);
        out.write(frame.bytes, 0, frame.size);
        return truncated;
    }

    /**
     * Appends the octet-counted frame of {@code message} to {@code out}.
     *
     * @return true if the line was cut to fit the maximum message size
     */
    boolean appendFrame(LogMessage message, Bytes out) {
        encodeHeader(message);
        line.clear();
        if (byteOrderMark) {
            line.put(BOM, 0, BOM.length);
        }
        // Every char takes at least one byte: more than maxMessageSize chars never fit, so a huge line
        // costs a buffer of at most three times the maximum, not three times the line.
        String text = message.message();
        line.putUtf8(text, maxMessageSize);
        encodeStructuredData(message, -1);

        boolean truncated = text.length() > maxMessageSize
                || header.size + structuredData.size + 1 + line.size > maxMessageSize;
        if (truncated) {
            encodeStructuredData(message, utf8Length(text));
            cutLine();
        }
        putFrame(out);
        return truncated;
    }

    /**
     * Appends the octet-counted frame of a stored line in the canonical form
     * ({@link io.containerlogging.core.forward.StoredMessage#readCanonicalJson}): byte for byte
     * what {@link #appendFrame(LogMessage, Bytes)} appends for the message the line decodes to,
     * read in one pass over the line's bytes without decoding it ({@link CanonicalFields}).
     *
     * @return true if the line was cut to fit the maximum message size, false if not, null if the
     *     line is not in the form {@link CanonicalFields} reads (nothing was appended: decode it)
     */
    Boolean appendStoredFrame(byte[] json, int from, int length, Bytes out) {
        CanonicalFields f = stored;
        line.clear();
        if (byteOrderMark) {
            line.put(BOM, 0, BOM.length);
        }
        // As appendFrame: no more than maxMessageSize bytes of the text are needed (the rest is counted).
        if (!f.read(json, from, from + length, line, maxMessageSize)) {
            return null;
        }
        return appendStoredFrame(f, json, out);
    }

    /**
     * As {@link #appendStoredFrame(byte[], int, int, Bytes)}, for a line whose check found where
     * its fields are: reads them from there without walking the line again.
     *
     * @return true if the line was cut to fit the maximum message size
     */
    boolean appendStoredFrame(byte[] json, int from, CanonicalSpans spans, Bytes out) {
        CanonicalFields f = stored;
        line.clear();
        if (byteOrderMark) {
            line.put(BOM, 0, BOM.length);
        }
        f.read(json, from, spans, line, maxMessageSize);
        return appendStoredFrame(f, json, out);
    }

    private boolean appendStoredFrame(CanonicalFields f, byte[] json, Bytes out) {
        header.clear();
        byte[] pri = priAndVersion[f.level.ordinal()];
        header.put(pri, 0, pri.length);
        f.putTimestamp(header);
        header.put((byte) ' ');
        f.putPrintable(header, f.deviceStart, f.deviceEnd, MAX_HOSTNAME);
        header.put((byte) ' ');
        header.put(appNameAndProcId, 0, appNameAndProcId.length);
        header.put(json, f.idStart, f.idEnd - f.idStart); // checked printable ASCII of at most MAX_MSGID
        header.put((byte) ' ');
        encodeStoredStructuredData(f, -1);

        boolean truncated = f.textChars > maxMessageSize
                || header.size + structuredData.size + 1 + line.size > maxMessageSize;
        if (truncated) {
            encodeStoredStructuredData(f, f.textBytes);
            cutLine();
        }
        putFrame(out);
        return truncated;
    }

    /** Cuts the line to what fits beside header and structured data, at a character boundary, and marks it. */
    private void cutLine() {
        int room = maxMessageSize - header.size - structuredData.size - 1 - TRUNCATION_MARKER.length();
        line.size = utf8Boundary(line.bytes, line.size, room);
        line.putAscii(TRUNCATION_MARKER);
    }

    /** The octet count, header, structured data and line. */
    private void putFrame(Bytes out) {
        int length = header.size + structuredData.size + (line.size == 0 ? 0 : 1 + line.size);
        int digits = putDecimal(length, count);
        count[digits] = ' ';
        out.put(count, 0, digits + 1);
        out.put(header.bytes, 0, header.size);
        out.put(structuredData.bytes, 0, structuredData.size);
        if (line.size > 0) {
            out.put((byte) ' ');
            out.put(line.bytes, 0, line.size);
        }
    }

    /** As {@link #encodeStructuredData}, from a stored line's fields. */
    private void encodeStoredStructuredData(CanonicalFields f, long truncatedFrom) {
        Bytes sd = structuredData;
        sd.clear();
        sd.put((byte) '[').putAscii(SD_ID);
        int empty = sd.size;
        putStoredParam(CONTAINER_PARAM, f, f.containerStart, f.containerEnd);
        putStoredParam(SERVICE_PARAM, f, f.serviceStart, f.serviceEnd);
        if (f.serviceIdStart >= 0) {
            sd.put(SERVICE_ID_PARAM, 0, SERVICE_ID_PARAM.length);
            sd.put(f.json, f.serviceIdStart, f.serviceIdEnd - f.serviceIdStart).put((byte) '"');
        }
        putStoredParam(DEVICE_PARAM, f, f.deviceStart, f.deviceEnd);
        if (f.stdErr) {
            sd.put(STDERR_PARAM, 0, STDERR_PARAM.length);
        }
        if (f.otherSource()) {
            putStoredParam(SOURCE_PARAM, f, f.sourceTypeStart, f.sourceTypeEnd);
        }
        endStructuredData(empty, truncatedFrom);
    }

    /** {@code prefix} is the param's {@code ' name="'}. */
    private void putStoredParam(byte[] prefix, CanonicalFields f, int start, int end) {
        if (start < 0) {
            return;
        }
        Bytes sd = structuredData;
        sd.put(prefix, 0, prefix.length);
        f.putParamValue(sd, start, end, MAX_SD_VALUE_CHARS);
        sd.put((byte) '"');
    }

    /** PRI VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP. */
    private void encodeHeader(LogMessage message) {
        header.clear();
        header.put((byte) '<');
        header.putDecimal(facility * 8 + severity(message.level()));
        header.putAscii(">1 ");
        putTimestamp(message);
        header.put((byte) ' ');
        putPrintable(message.deviceId(), MAX_HOSTNAME);
        header.put((byte) ' ');
        header.put(appName, 0, appName.length);
        header.putAscii(" - ");
        String id = message.id();
        if (id != null && !id.isEmpty() && id.length() <= MAX_MSGID && isPrintableAscii(id)) {
            header.putAscii(id);
        } else {
            header.put((byte) '-');
        }
        header.put((byte) ' ');
    }

    /** UTC, with the message's precision: none, milliseconds, or microseconds (RFC 5424 allows six digits). */
    private void putTimestamp(LogMessage message) {
        long second = message.timestamp().getEpochSecond();
        if (second != cachedSecond) {
            // messages of a batch mostly share their second: format its date and time once
            LocalDateTime t = LocalDateTime.ofEpochSecond(
                    Math.max(Math.min(second, MAX_SECOND), MIN_SECOND), 0, ZoneOffset.UTC);
            cachedTime.clear();
            if (second >= MIN_SECOND && second <= MAX_SECOND) {
                cachedTime.putPadded(t.getYear(), 4).put((byte) '-').putPadded(t.getMonthValue(), 2).put((byte) '-')
                        .putPadded(t.getDayOfMonth(), 2).put((byte) 'T').putPadded(t.getHour(), 2).put((byte) ':')
                        .putPadded(t.getMinute(), 2).put((byte) ':').putPadded(t.getSecond(), 2);
            }
            cachedSecond = second;
        }
        if (cachedTime.size == 0) {
            header.put((byte) '-');
            return;
        }
        header.put(cachedTime.bytes, 0, cachedTime.size);
        int nanos = message.timestamp().getNano();
        if (nanos % 1_000_000 == 0 && nanos != 0) {
            header.put((byte) '.').putPadded(nanos / 1_000_000, 3);
        } else if (nanos != 0) {
            header.put((byte) '.').putPadded(nanos / 1_000, 6);
        }
        header.put((byte) 'Z');
    }

    /** A header field: printable ASCII only (others become '_'), at most {@code max} chars, "-" if none. */
    private void putPrintable(String value, int max) {
        if (value == null || value.isEmpty()) {
            header.put((byte) '-');
            return;
        }
        int n = Math.min(value.length(), max);
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            header.put(c > ' ' && c < 127 ? (byte) c : (byte) '_');
        }
    }

    /** [cl@32473 container=".." service=".." ...], or "-" when the message has none of them. */
    private void encodeStructuredData(LogMessage message, long truncatedFrom) {
        Bytes sd = structuredData;
        sd.clear();
        sd.put((byte) '[').putAscii(SD_ID);
        int empty = sd.size;
        putParam("container", message.containerId());
        putParam("service", message.serviceName());
        if (message.serviceId() != null) {
            putParam("serviceId", message.serviceId().toString());
        }
        putParam("device", message.deviceId());
        if (message.isStdErr()) {
            putParam("stream", "stderr");
        }
        SourceType type = message.source().type();
        if (type != SourceType.CONTAINER) {
            putParam("source", type.wireName());
        }
        endStructuredData(empty, truncatedFrom);
    }

    /**
     * Ends the structured data begun at {@code empty} (the size after its opening): the truncation
     * parameter if the MSG was cut, then {@code ]}, or {@code -} alone if no parameter was written.
     */
    private void endStructuredData(int empty, long truncatedFrom) {
        if (truncatedFrom >= 0) {
            putParam("truncated", Long.toString(truncatedFrom));
        }
        Bytes sd = structuredData;
        if (sd.size == empty) {
            sd.clear();
            sd.put((byte) '-');
        } else {
            sd.put((byte) ']');
        }
    }

    private void putParam(String name, String value) {
        if (value == null) {
            return;
        }
        Bytes sd = structuredData;
        sd.put((byte) ' ').putAscii(name).putAscii("=\"");
        int n = Math.min(value.length(), MAX_SD_VALUE_CHARS);
        if (n < value.length() && Character.isHighSurrogate(value.charAt(n - 1))) {
            n--;
        }
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\' || c == ']') {
                sd.put((byte) '\\').put((byte) c);
            } else {
                i = sd.putUtf8Char(value, i, n);
            }
        }
        sd.put((byte) '"');
    }

    /** The length of {@code s} in UTF-8 as {@link Bytes#putUtf8} encodes it. */
    static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    private static boolean isPrintableAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c >= 127) {
                return false;
            }
        }
        return true;
    }

    /** The largest cut at or below {@code limit} that does not split a UTF-8 sequence. */
    static int utf8Boundary(byte[] bytes, int size, int limit) {
        if (limit >= size) {
            return size;
        }
        int cut = Math.max(0, limit);
        while (cut > 0 && (bytes[cut] & 0xC0) == 0x80) {
            cut--;
        }
        return cut;
    }

    private static int putDecimal(int value, byte[] into) {
        int digits = 1;
        for (int rest = value / 10; rest > 0; rest /= 10) {
            digits++;
        }
        for (int i = digits - 1; i >= 0; i--) {
            into[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        return digits;
    }

    private static byte[] paramPrefix(String name) {
        return (" " + name + "=\"").getBytes(StandardCharsets.US_ASCII);
    }

    /** A growable byte buffer with the few encodings the format needs. */
    static final class Bytes {
        byte[] bytes;
        int size;

        Bytes(int capacity) {
            bytes = new byte[capacity];
        }

        void clear() {
            size = 0;
        }

        void ensure(int more) {
            if (size + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
            }
        }

        Bytes put(byte b) {
            ensure(1);
            bytes[size++] = b;
            return this;
        }

        Bytes put(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, bytes, size, len);
            size += len;
            return this;
        }

        /** Only for strings known to be ASCII (constants, digits, validated names). */
        Bytes putAscii(String s) {
            ensure(s.length());
            for (int i = 0; i < s.length(); i++) {
                bytes[size++] = (byte) s.charAt(i);
            }
            return this;
        }

        Bytes putDecimal(int value) {
            return putAscii(Integer.toString(value));
        }

        Bytes putPadded(int value, int width) {
            ensure(width);
            for (int i = width - 1; i >= 0; i--) {
                bytes[size + i] = (byte) ('0' + value % 10);
                value /= 10;
            }
            size += width;
            return this;
        }

        /** UTF-8 of {@code s}, lone surrogates as U+FFFD. */
        void putUtf8(String s, int maxChars) {
            int n = Math.min(s.length(), maxChars);
            ensure(3 * n); // at most three bytes per char: a pair of surrogates takes four
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c < 0x80) {
                    bytes[size++] = (byte) c;
                } else {
                    i = putUtf8Char(s, i, n);
                }
            }
        }

        /** Encodes the char (or surrogate pair) at {@code i}; returns the index of its last char. */
        int putUtf8Char(String s, int i, int end) {
            char c = s.charAt(i);
            ensure(4);
            if (c < 0x80) {
                bytes[size++] = (byte) c;
            } else if (c < 0x800) {
                bytes[size++] = (byte) (0xC0 | c >> 6);
                bytes[size++] = (byte) (0x80 | c & 0x3F);
            } else if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(i + 1));
                bytes[size++] = (byte) (0xF0 | cp >> 18);
                bytes[size++] = (byte) (0x80 | cp >> 12 & 0x3F);
                bytes[size++] = (byte) (0x80 | cp >> 6 & 0x3F);
                bytes[size++] = (byte) (0x80 | cp & 0x3F);
                return i + 1;
            } else if (Character.isSurrogate(c)) {
                put(REPLACEMENT, 0, REPLACEMENT.length);
            } else {
                bytes[size++] = (byte) (0xE0 | c >> 12);
                bytes[size++] = (byte) (0x80 | c >> 6 & 0x3F);
                bytes[size++] = (byte) (0x80 | c & 0x3F);
            }
            return i;
        }
    }
}

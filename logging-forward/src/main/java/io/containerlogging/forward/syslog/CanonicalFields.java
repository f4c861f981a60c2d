package io.containerlogging.forward.syslog;

import static io.containerlogging.forward.syslog.JsonStringBytes.escapeLength;
import static io.containerlogging.forward.syslog.JsonStringBytes.plain;
import static io.containerlogging.forward.syslog.JsonStringBytes.putChar;
import static io.containerlogging.forward.syslog.JsonStringBytes.sequenceLength;
import static io.containerlogging.forward.syslog.JsonStringBytes.stringEnd;
import static io.containerlogging.forward.syslog.JsonStringBytes.unescape;

import io.containerlogging.core.LogLevel;
import io.containerlogging.core.SourceType;
import io.containerlogging.core.forward.CanonicalSpans;
import io.containerlogging.core.forward.StoredMessage;
import io.containerlogging.core.internal.SourceField;
import io.containerlogging.core.internal.WireField;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * What a syslog frame needs from a stored line in the canonical form
 * ({@link StoredMessage#readCanonicalJson}), found in one pass over its UTF-8 bytes without
 * decoding it: where the id, time, service, container and device are (still JSON-escaped), the
 * level, the stream and source type, and the text unescaped into MSG bytes. Decoding the line
 * instead (to a {@code LogMessage}, and encoding its strings again) took about 1.2 µs a line and
 * was the forwarder's largest cost (docs/BENCHMARKS.md, "Syslog from stored bytes").
 *
 * <p>The form is the one {@code CanonicalLine} checks: {@link WireField}s in their order, each
 * string with gson's escapes only (<code>\" \\ \t \b \n \r \f</code>, <code>&#92;u00xx</code>,
 * <code>&#92;u2028</code>, <code>&#92;u2029</code>, so every escape stands for one char of the Basic
 * Multilingual Plane), strict UTF-8, no {@code fields}. {@link #read} still checks the structure
 * it walks and returns false for anything else, so a line it cannot read goes the decoded way
 * rather than producing a wrong frame.
 *
 * <p>A line from a local backend's files comes with the places its check found
 * ({@link CanonicalSpans}): then {@link #read(byte[], int, CanonicalSpans, Rfc5424Encoder.Bytes, int)}
 * takes the fields from there and walks nothing but a text that has escapes.
 *
 * <p>The {@code put} methods write a field as {@link Rfc5424Encoder} writes the decoded string,
 * counting UTF-16 chars where it caps a value by chars (a character outside the BMP is two).
 *
 * <p>Not thread-safe: reused by the encoder that owns it.
 */
final class CanonicalFields {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final Literal ID_START = new Literal("{\"" + WireField.ID.jsonName() + "\":\"");
    private static final WireField[] FIELDS = WireField.inOrder().toArray(new WireField[0]);
    private static final Literal[] NAMES = new Literal[FIELDS.length];
    private static final Literal SOURCE_TYPE = new Literal("{\"" + SourceField.TYPE.jsonName() + "\":");
    private static final Literal SOURCE_NAME = new Literal(",\"" + SourceField.NAME.jsonName() + "\":");
    private static final LogLevel[] LEVELS = LogLevel.values();
    private static final Literal[] LEVEL_NAMES = new Literal[LEVELS.length];
    private static final Literal CONTAINER_TYPE = new Literal(SourceType.CONTAINER.wireName());
    private static final Literal TRUE = new Literal("true");
    private static final Literal FALSE = new Literal("false");
    /** {@code "0000-00-00T00:00:00.000000000Z"}: the fixed-width time without its quotes. */
    private static final int TIME_LENGTH = 30;
    private static final int NANOS_AT = 20;
    private static final int MAX_MSGID = 32;

    static {
        for (WireField field : WireField.inOrder()) {
            if (field == WireField.ID) {
                continue; // read with ID_START
            }
            NAMES[field.ordinal()] = new Literal(",\"" + field.jsonName() + "\":");
        }
        for (LogLevel level : LEVELS) {
            LEVEL_NAMES[level.ordinal()] = new Literal("\"" + level.wireName() + "\"");
        }
    }

    // What read() found: string contents [start, end) without their quotes; start -1 when absent.
    byte[] json;
    int idStart;
    int idEnd;
    int timeStart;
    LogLevel level;
    int serviceIdStart;
    int serviceIdEnd;
    int serviceStart;
    int serviceEnd;
    int containerStart;
    int containerEnd;
    int deviceStart;
    int deviceEnd;
    int sourceTypeStart;
    int sourceTypeEnd;
    boolean containerSource;
    boolean stdErr;
    /** The text's length in UTF-16 chars and in UTF-8 bytes, whole (not only what was written). */
    long textChars;
    long textBytes;

    /**
     * Reads the line {@code json[from, to)}; its text goes to {@code text}, unescaped, until
     * {@code text} has at least {@code maxTextBytes} bytes more (the rest is only counted).
     *
     * @return false if the line is not in the form this reads (then {@code text} may hold part of it)
     */
    boolean read(byte[] json, int from, int to, Rfc5424Encoder.Bytes text, int maxTextBytes) {
        this.json = json;
        serviceIdStart = serviceStart = containerStart = deviceStart = -1;
        stdErr = false;
        level = null;
        timeStart = -1;
        if (!ID_START.at(json, from, to)) {
            return false;
        }
        int at = from + ID_START.length;
        idStart = at;
        at = stringEnd(json, at - 1, to);
        if (at < 0) {
            return false;
        }
        idEnd = at - 1;
        if (!printableAscii(json, idStart, idEnd) || idEnd - idStart > MAX_MSGID) {
            return false; // the encoder would write "-" (and an escaped id would need unescaping)
        }
        boolean hasText = false;
        boolean hasSource = false;
        for (WireField field : FIELDS) {
            Literal name = NAMES[field.ordinal()];
            if (name == null || !name.at(json, at, to)) {
                continue;
            }
            at += name.length;
            int start = at + 1;
            switch (field) {
                case MESSAGE:
                    at = text(json, at, to, text, maxTextBytes);
                    hasText = true;
                    break;
                case TIMESTAMP:
                    at = integerEnd(json, at, to);
                    break;
                case TIME:
                    if (to - at < TIME_LENGTH + 2 || json[at] != '"' || json[at + TIME_LENGTH + 1] != '"') {
                        return false;
                    }
                    timeStart = start;
                    at += TIME_LENGTH + 2;
                    break;
                case LEVEL:
                    at = level(json, at, to);
                    break;
                case LEVEL_SOURCE:
                    at = stringEnd(json, at, to);
                    break;
                case SOURCE:
                    at = source(json, at, to);
                    hasSource = true;
                    break;
                case SERVICE_ID:
                    serviceIdStart = at;
                    at = integerEnd(json, at, to);
                    serviceIdEnd = at;
                    break;
                case SERVICE_NAME:
                    at = stringEnd(json, at, to);
                    serviceStart = start;
                    serviceEnd = at - 1;
                    break;
                case CONTAINER_ID:
                    at = stringEnd(json, at, to);
                    containerStart = start;
                    containerEnd = at - 1;
                    break;
                case DEVICE_ID:
                    at = stringEnd(json, at, to);
                    deviceStart = start;
                    deviceEnd = at - 1;
                    break;
                case IS_STD_ERR:
                    stdErr = TRUE.at(json, at, to);
                    at = bool(json, at, to);
                    break;
                case IS_SYSTEM:
                    at = bool(json, at, to);
                    break;
                default:
                    return false; // fields, or a field this reader does not know: decode instead
            }
            if (at < 0) {
                return false;
            }
        }
        return hasText && hasSource && timeStart >= 0 && level != null && at == to - 1 && json[at] == '}';
    }

    /**
     * As {@link #read}, for a line whose check already found where its fields are: copies them
     * from there instead of walking the line again (each walk was about 40 % of a forwarder
     * thread's time). The line is canonical, so nothing here can fail.
     */
    void read(byte[] json, int from, CanonicalSpans spans, Rfc5424Encoder.Bytes text, int maxTextBytes) {
        this.json = json;
        idStart = from + ID_START.length;
        idEnd = from + spans.idEnd();
        timeStart = from + spans.timeStart();
        level = spans.level();
        serviceIdStart = shifted(from, spans.serviceIdStart());
        serviceIdEnd = from + spans.serviceIdEnd();
        serviceStart = shifted(from, spans.serviceNameStart());
        serviceEnd = from + spans.serviceNameEnd();
        containerStart = shifted(from, spans.containerIdStart());
        containerEnd = from + spans.containerIdEnd();
        deviceStart = shifted(from, spans.deviceIdStart());
        deviceEnd = from + spans.deviceIdEnd();
        sourceTypeStart = from + spans.sourceTypeStart();
        sourceTypeEnd = from + spans.sourceTypeEnd();
        containerSource = sourceTypeEnd - sourceTypeStart == CONTAINER_TYPE.length
                && CONTAINER_TYPE.at(json, sourceTypeStart, sourceTypeEnd);
        stdErr = spans.stdErr();
        int textStart = from + spans.textStart();
        int textEnd = from + spans.textEnd();
        int length = textEnd - textStart;
        if (length > maxTextBytes) {
            text(json, textStart - 1, textEnd + 1, text, maxTextBytes); // to be cut: count its chars
        } else if (spans.textPlain()) {
            // One byte a char: the bytes are MSG as they are (what text() would copy byte by byte).
            text.put(json, textStart, length);
            textChars = length;
            textBytes = length;
        } else {
            wholeText(json, textStart, textEnd, text);
        }
    }

    /**
     * A text that fits whole (at most the most bytes MSG may have): the runs between escapes are
     * copied as they are (the line is canonical: raw bytes are valid UTF-8 and need nothing),
     * each escape unescaped. Sets {@link #textChars} to the bytes written, not the chars: both
     * are at most the maximum then, and that is all the encoder asks of the chars.
     */
    private void wholeText(byte[] in, int start, int end, Rfc5424Encoder.Bytes out) {
        out.ensure(end - start); // an escape is never shorter than the UTF-8 of its char
        byte[] o = out.bytes;
        int size = out.size;
        int at = start;
        while (at < end) {
            int escape = backslash(in, at, end);
            System.arraycopy(in, at, o, size, escape - at);
            size += escape - at;
            at = escape;
            if (at < end) {
                size = putChar(o, size, unescape(in, at + 1, end));
                at += escapeLength(in, at);
            }
        }
        textBytes = size - out.size;
        textChars = textBytes;
        out.size = size;
    }

    /** The first backslash in {@code in[at, end)}, or {@code end}; eight bytes at a time. */
    private static int backslash(byte[] in, int at, int end) {
        while (at + 8 <= end) {
            long x = (long) LONGS.get(in, at) ^ 0x5c5c5c5c5c5c5c5cL;
            long zero = (x - 0x0101010101010101L) & ~x & 0x8080808080808080L;
            if (zero != 0) {
                return at + (Long.numberOfTrailingZeros(zero) >>> 3); // the lowest flag is exact
            }
            at += 8;
        }
        while (at < end && in[at] != '\\') {
            at++;
        }
        return at;
    }

    private static int shifted(int from, int start) {
        return start < 0 ? -1 : from + start;
    }

    /** The text as MSG bytes; returns the index after its closing quote, or -1. */
    private int text(byte[] in, int at, int to, Rfc5424Encoder.Bytes out, int maxBytes) {
        if (at >= to || in[at] != '"') {
            return -1;
        }
        at++;
        // Unescaping never lengthens a string (an escape takes at least as many bytes as the UTF-8
        // of its char), so this much room is enough; the last char may run three bytes past the stop.
        out.ensure(Math.min(to - at, maxBytes) + 4);
        byte[] o = out.bytes;
        int size = out.size;
        int stop = size + maxBytes;
        long chars = 0;
        long bytes = 0;
        while (at < to) {
            // Eight printable ASCII bytes without quote or backslash at a time: most of a text.
            while (at + 8 <= to && size + 8 <= stop) {
                long word = (long) LONGS.get(in, at);
                if (!plain(word)) {
                    break;
                }
                LONGS.set(o, size, word);
                at += 8;
                size += 8;
                chars += 8;
                bytes += 8;
            }
            if (at >= to) {
                break;
            }
            int b = in[at];
            if (b == '"') {
                out.size = size;
                textChars = chars;
                textBytes = bytes;
                return at + 1;
            }
            if (b == '\\') {
                if (at + 1 >= to) {
                    return -1;
                }
                int c = unescape(in, at + 1, to);
                if (c < 0) {
                    return -1;
                }
                at += escapeLength(in, at);
                int n = c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
                if (size < stop) {
                    size = putChar(o, size, c);
                }
                chars++;
                bytes += n;
            } else {
                int n = b >= 0 ? 1 : sequenceLength(b);
                if (n < 0 || at + n > to) {
                    return -1;
                }
                if (size < stop) {
                    for (int i = 0; i < n; i++) {
                        o[size++] = in[at + i];
                    }
                }
                at += n;
                chars += n == 4 ? 2 : 1;
                bytes += n;
            }
        }
        return -1;
    }

    /**
     * HOSTNAME: the JSON string {@code [start, end)} as printable ASCII (any other UTF-16 char
     * becomes '_'), at most {@code max} chars, "-" if absent or empty.
     */
    void putPrintable(Rfc5424Encoder.Bytes out, int start, int end, int max) {
        if (start < 0 || start == end) {
            out.put((byte) '-');
            return;
        }
        byte[] in = json;
        if (end - start <= max && printableAscii(in, start, end)) {
            out.put(in, start, end - start); // the common case: a plain name, copied as it is
            return;
        }
        int chars = 0;
        int at = start;
        while (at < end && chars < max) {
            int b = in[at];
            if (b == '\\') {
                int c = unescape(in, at + 1, end);
                out.put(c > ' ' && c < 127 ? (byte) c : (byte) '_');
                at += escapeLength(in, at);
                chars++;
            } else if (b >= 0) {
                out.put(b > ' ' && b < 127 ? (byte) b : (byte) '_');
                at++;
                chars++;
            } else {
                int n = sequenceLength(b);
                at += n;
                out.put((byte) '_');
                chars++;
                if (n == 4 && chars < max) { // a surrogate pair: two chars
                    out.put((byte) '_');
                    chars++;
                }
            }
        }
    }

    /**
     * An SD-PARAM value: the JSON string {@code [start, end)} with '"', '\' and ']' escaped,
     * cut after {@code max} UTF-16 chars but never inside a surrogate pair.
     */
    void putParamValue(Rfc5424Encoder.Bytes out, int start, int end, int max) {
        byte[] in = json;
        if (end - start <= max && noneSpecial(in, start, end)) {
            out.put(in, start, end - start); // no more chars than bytes, nothing to escape: as it is
            return;
        }
        int chars = 0;
        int at = start;
        while (at < end) {
            int b = in[at];
            if (b == '\\') {
                if (chars + 1 > max) {
                    break;
                }
                int c = unescape(in, at + 1, end);
                at += escapeLength(in, at);
                chars++;
                if (c == '"' || c == '\\' || c == ']') {
                    out.put((byte) '\\').put((byte) c);
                } else {
                    out.ensure(3);
                    out.size = putChar(out.bytes, out.size, c);
                }
            } else if (b >= 0) {
                if (chars + 1 > max) {
                    break;
                }
                chars++;
                if (b == ']') { // '"' and '\' come escaped in JSON
                    out.put((byte) '\\');
                }
                out.put((byte) b);
                at++;
            } else {
                int n = sequenceLength(b);
                int width = n == 4 ? 2 : 1;
                if (chars + width > max) {
                    break;
                }
                chars += width;
                out.put(in, at, n);
                at += n;
            }
        }
    }

    /** TIMESTAMP from the fixed-width time: seconds, then milliseconds or microseconds if not zero. */
    void putTimestamp(Rfc5424Encoder.Bytes out) {
        byte[] in = json;
        out.put(in, timeStart, NANOS_AT - 1);
        int nanos = 0;
        for (int i = 0; i < 9; i++) {
            nanos = nanos * 10 + (in[timeStart + NANOS_AT + i] - '0');
        }
        if (nanos != 0) {
            out.put((byte) '.').put(in, timeStart + NANOS_AT, nanos % 1_000_000 == 0 ? 3 : 6);
        }
        out.put((byte) 'Z');
    }

    /** Whether the source's type is not {@code container}, so the SD names it. */
    boolean otherSource() {
        return !containerSource;
    }

    private int level(byte[] in, int at, int to) {
        for (int i = 0; i < LEVELS.length; i++) {
            if (LEVEL_NAMES[i].at(in, at, to)) {
                level = LEVELS[i];
                return at + LEVEL_NAMES[i].length;
            }
        }
        return -1;
    }

    /** {"type":"..."[,"name":"..."]}: the index after it, or -1. */
    private int source(byte[] in, int at, int to) {
        if (!SOURCE_TYPE.at(in, at, to)) {
            return -1;
        }
        at += SOURCE_TYPE.length;
        sourceTypeStart = at + 1;
        at = stringEnd(in, at, to);
        if (at < 0) {
            return -1;
        }
        sourceTypeEnd = at - 1;
        containerSource = sourceTypeEnd - sourceTypeStart == CONTAINER_TYPE.length
                && CONTAINER_TYPE.at(in, sourceTypeStart, sourceTypeEnd);
        if (SOURCE_NAME.at(in, at, to)) {
            at = stringEnd(in, at + SOURCE_NAME.length, to);
            if (at < 0) {
                return -1;
            }
        }
        return at < to && in[at] == '}' ? at + 1 : -1;
    }

    /** The index after an integer ([-]digits) at {@code at}, or -1. */
    private static int integerEnd(byte[] in, int at, int to) {
        int start = at;
        if (at < to && in[at] == '-') {
            at++;
        }
        int digits = at;
        while (at < to && in[at] >= '0' && in[at] <= '9') {
            at++;
        }
        return at > digits && at - start <= 20 ? at : -1;
    }

    private static int bool(byte[] in, int at, int to) {
        return TRUE.at(in, at, to) ? at + TRUE.length : FALSE.at(in, at, to) ? at + FALSE.length : -1;
    }

    /** Whether no byte is a backslash (a JSON escape) or ']' (escaped in SD-PARAM values). */
    private static boolean noneSpecial(byte[] in, int start, int end) {
        for (int i = start; i < end; i++) {
            if (in[i] == '\\' || in[i] == ']') {
                return false;
            }
        }
        return true;
    }

    /** Non-empty, and printable ASCII other than the backslash. */
    private static boolean printableAscii(byte[] in, int start, int end) {
        for (int i = start; i < end; i++) {
            if (in[i] <= ' ' || in[i] >= 127 || in[i] == '\\') {
                return false;
            }
        }
        return end > start;
    }


    /**
     * 4 to 16 ASCII bytes, compared as two overlapping words (a byte loop per name was an eighth of
     * the encoding).
     */
    private static final class Literal {
        final int length;
        final long first;
        final long last;

        Literal(String text) {
            byte[] bytes = ascii(text);
            length = bytes.length;
            if (length < 4 || length > 16) {
                throw new AssertionError("a literal of 4-16 bytes: " + text);
            }
            first = length >= 8 ? (long) LONGS.get(bytes, 0) : (int) INTS.get(bytes, 0);
            last = length >= 8 ? (long) LONGS.get(bytes, length - 8) : (int) INTS.get(bytes, length - 4);
        }

        /** Whether {@code in[at, to)} starts with these bytes. */
        boolean at(byte[] in, int at, int to) {
            if (to - at < length) {
                return false;
            }
            if (length >= 8) {
                return (long) LONGS.get(in, at) == first && (long) LONGS.get(in, at + length - 8) == last;
            }
            return (int) INTS.get(in, at) == first && (int) INTS.get(in, at + length - 4) == last;
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}

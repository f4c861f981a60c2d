package io.containerlogging.core.forward;

import io.containerlogging.core.LevelSource;
import io.containerlogging.core.LogJson;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.SourceType;
import io.containerlogging.core.internal.SourceField;
import io.containerlogging.core.internal.WireField;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Decides, in one pass over the bytes and without decoding, whether a stored line is exactly what
 * {@link LogJson#write} writes (in UTF-8) for the message {@link LogJson#fromJson} reads from it:
 * then the line can be sent as it is, byte for byte what decoding and encoding it again would
 * send. It checks the {@link WireField}s in their order, each value in the one form the encoder
 * writes (gson's escapes and no others, strict UTF-8, {@code U+2028}/{@code U+2029} escaped,
 * integers without sign or leading zeros they would not have, the fixed-width {@code time} and a
 * {@code timestamp} equal to its milliseconds, known level and source names), an id of the form
 * {@code log-N}. Anything else, including every line with {@code fields} (whose numbers have more
 * than one spelling), is "not canonical": the caller decodes and encodes such a line instead.
 *
 * <p>The guarantee is tested against the decoder and encoder themselves (CanonicalLineTest):
 * for a canonical line, encoding its decoded message gives the same bytes.
 */
final class CanonicalLine {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final Literal[] NAMES = new Literal[WireField.values().length];
    private static final Literal[] SOURCE_NAMES = new Literal[SourceField.values().length];
    private static final Literal[] FIRST_SOURCE_NAMES = new Literal[SourceField.values().length];
    private static final Literal[] LEVELS = quoted(LogLevel.values().length, i -> LogLevel.values()[i].wireName());
    private static final Literal[] LEVEL_SOURCES = quoted(LevelSource.values().length,
            i -> LevelSource.values()[i].wireName());
    private static final Literal[] SOURCE_TYPES = quoted(SourceType.values().length,
            i -> SourceType.values()[i].wireName());
    private static final Literal[] BOOLEANS = {new Literal("true"), new Literal("false")};
    private static final Literal ID_START = new Literal("{\"id\":\"log-");
    /** The fixed-width time, '0' standing for any digit. */
    private static final byte[] TIME_SHAPE = "0000-00-00T00:00:00.000000000Z".getBytes(StandardCharsets.US_ASCII);
    private static final int TIME_LENGTH = TIME_SHAPE.length;

    static {
        for (WireField field : WireField.inOrder()) {
            NAMES[field.ordinal()] = new Literal(",\"" + field.jsonName() + "\":");
        }
        for (SourceField field : SourceField.inOrder()) {
            SOURCE_NAMES[field.ordinal()] = new Literal(",\"" + field.jsonName() + "\":");
            // the first member has no comma: the encoder's leading comma became the '{'
            FIRST_SOURCE_NAMES[field.ordinal()] = new Literal("\"" + field.jsonName() + "\":");
        }
    }

    /** What {@link #scan} found in a canonical line. Reused by one thread. */
    static final class Found {
        long sequence;
        int deviceIdStart = -1; // the deviceId string's content, without quotes; -1 if absent
        int deviceIdEnd;
        boolean deviceIdEscaped;
        /** Where the fields are, absolute in the line scanned: for sinks that copy them (syslog). */
        final CanonicalSpans spans = new CanonicalSpans();
    }

    private CanonicalLine() {
    }

    /**
     * Whether {@code line[from, to)} is canonical; if it is, {@code found} holds its sequence and
     * where its device id is.
     */
    static boolean scan(byte[] line, int from, int to, Found found) {
        found.deviceIdStart = -1;
        CanonicalSpans spans = found.spans;
        spans.reset();
        // {"id":"log-N" with N as LogId.format writes it
        int at = from;
        if (to - from < ID_START.length + 2 || !ID_START.at(line, at, to)) {
            return false;
        }
        at += ID_START.length;
        if (line[at] < '1' || line[at] > '9') {
            return false;
        }
        long sequence = 0;
        int digits = 0;
        while (at < to && line[at] >= '0' && line[at] <= '9') {
            sequence = sequence * 10 + (line[at++] - '0');
            if (++digits > 18) {
                return false;
            }
        }
        if (at >= to || line[at++] != '"') {
            return false;
        }
        spans.idEnd = at - 1;
        found.sequence = sequence;
        long timestamp = 0;
        long timeMillis = 0;
        boolean time = false;
        for (WireField field : WireField.inOrder()) {
            if (field == WireField.ID) {
                continue;
            }
            Literal name = NAMES[field.ordinal()];
            if (!name.at(line, at, to)) {
                if (alwaysWritten(field)) {
                    return false;
                }
                continue;
            }
            at += name.length;
            int start = at;
            switch (field) {
                case MESSAGE:
                    at = string(line, at, to, spans);
                    spans.textStart = start + 1;
                    spans.textEnd = at - 1;
                    break;
                case SERVICE_NAME:
                    at = string(line, at, to);
                    spans.serviceNameStart = start + 1;
                    spans.serviceNameEnd = at - 1;
                    break;
                case CONTAINER_ID:
                    at = string(line, at, to);
                    spans.containerIdStart = start + 1;
                    spans.containerIdEnd = at - 1;
                    break;
                case DEVICE_ID: {
                    at = string(line, at, to);
                    if (at > 0) {
                        found.deviceIdStart = start + 1;
                        found.deviceIdEnd = at - 1;
                        found.deviceIdEscaped = indexOf(line, start + 1, at - 1, (byte) '\\') >= 0;
                        spans.deviceIdStart = start + 1;
                        spans.deviceIdEnd = at - 1;
                    }
                    break;
                }
                case TIMESTAMP: {
                    int end = integerEnd(line, at, to, 18); // more digits: beyond four-digit years
                    if (end < 0) {
                        return false;
                    }
                    timestamp = integer(line, at, end);
                    at = end;
                    break;
                }
                case TIME: {
                    if (to - at < TIME_LENGTH + 2 || line[at] != '"' || line[at + TIME_LENGTH + 1] != '"'
                            || !fixedWidthTime(line, at + 1)) {
                        return false;
                    }
                    timeMillis = epochMillis(line, at + 1);
                    time = true;
                    spans.timeStart = at + 1;
                    at += TIME_LENGTH + 2;
                    break;
                }
                case LEVEL: {
                    int level = which(line, at, to, LEVELS);
                    if (level < 0) {
                        return false;
                    }
                    spans.level = level;
                    at += LEVELS[level].length;
                    break;
                }
                case LEVEL_SOURCE:
                    at = oneOf(line, at, to, LEVEL_SOURCES);
                    break;
                case SOURCE:
                    at = source(line, at, to, spans);
                    break;
                case SERVICE_ID: {
                    int end = integerEnd(line, at, to, 10);
                    if (end < 0) {
                        return false;
                    }
                    long value = integer(line, at, end);
                    if (value != (int) value) {
                        return false;
                    }
                    spans.serviceIdStart = at;
                    spans.serviceIdEnd = end;
                    at = end;
                    break;
                }
                case IS_STD_ERR:
                    spans.stdErr = BOOLEANS[0].at(line, at, to);
                    at = oneOf(line, at, to, BOOLEANS);
                    break;
                case IS_SYSTEM:
                    at = oneOf(line, at, to, BOOLEANS);
                    break;
                default:
                    // fields (numbers with several spellings, nested objects, duplicate keys) and
                    // any field this check does not know: decode and encode instead
                    return false;
            }
            if (at < 0) {
                return false;
            }
        }
        return time && timestamp == timeMillis && at == to - 1 && line[at] == '}';
    }

    /** Fields the encoder writes for every stored message: a line without one is not its encoding. */
    private static boolean alwaysWritten(WireField field) {
        switch (field) {
            case SERVICE_ID:
            case SERVICE_NAME:
            case CONTAINER_ID:
            case DEVICE_ID:
            case FIELDS:
                return false;
            default:
                return true;
        }
    }

    /** {"type":"<type>"[,"name":"..."]}, returning the index after it or -1. */
    private static int source(byte[] line, int at, int to, CanonicalSpans spans) {
        if (at >= to || line[at] != '{') {
            return -1;
        }
        int start = at;
        at++;
        for (SourceField field : SourceField.inOrder()) {
            Literal name = (at == start + 1 ? FIRST_SOURCE_NAMES : SOURCE_NAMES)[field.ordinal()];
            if (!name.at(line, at, to)) {
                if (field.required()) {
                    return -1;
                }
                continue;
            }
            at += name.length;
            if (field == SourceField.TYPE) {
                spans.sourceTypeStart = at + 1;
                at = oneOf(line, at, to, SOURCE_TYPES);
                spans.sourceTypeEnd = at - 1;
            } else {
                at = string(line, at, to);
            }
            if (at < 0) {
                return -1;
            }
        }
        return at < to && line[at] == '}' && at > start + 1 ? at + 1 : -1;
    }

    /**
     * A JSON string as the encoder writes it, returning the index after its closing quote or -1:
     * bytes below 0x20 only as gson's escapes (the short ones where gson has one, else
     * <code>&#92;u00xx</code> in lower case), no other escape but <code>&#92;u2028</code> and <code>&#92;u2029</code> (which must
     * be escaped), strict UTF-8.
     */
    static int string(byte[] line, int at, int to) {
        return string(line, at, to, null);
    }

    /**
     * As {@link #string(byte[], int, int)}; sets {@code text}'s {@link CanonicalSpans#textPlain}
     * (if not null) to whether the string is ASCII without escapes, found on the way.
     */
    private static int string(byte[] line, int at, int to, CanonicalSpans text) {
        boolean plain = true;
        if (at >= to || line[at] != '"') {
            return -1;
        }
        at++;
        while (at < to) {
            // Eight plain bytes (printable ASCII, no quote or backslash) at a time: the text of a
            // log line is mostly that, and this check was a third of reading a stored line.
            while (at + 8 <= to && plain((long) LONGS.get(line, at))) {
                at += 8;
            }
            if (at >= to) {
                break;
            }
            int b = line[at];
            if (b >= 0x20) {
                if (b == '"') {
                    if (text != null) {
                        text.textPlain = plain;
                    }
                    return at + 1;
                }
                if (b == '\\') {
                    plain = false;
                    at = escape(line, at + 1, to);
                    if (at < 0) {
                        return -1;
                    }
                    continue;
                }
                at++;
            } else if (b >= 0) {
                return -1; // a control character the encoder would have escaped
            } else {
                plain = false;
                at = utf8(line, at, to);
                if (at < 0) {
                    return -1;
                }
            }
        }
        return -1;
    }

    /**
     * Whether none of the eight bytes in {@code word} is below 0x20, at or above 0x80, a quote or
     * a backslash (the classic "has a byte less than n / equal to n" word tricks: exact in the
     * "none" case, which is all this needs).
     */
    private static boolean plain(long word) {
        long quote = word ^ 0x2222222222222222L;
        long backslash = word ^ 0x5c5c5c5c5c5c5c5cL;
        long flags = word | ((word - 0x2020202020202020L) & ~word) | ((quote - 0x0101010101010101L) & ~quote)
                | ((backslash - 0x0101010101010101L) & ~backslash);
        return (flags & 0x8080808080808080L) == 0;
    }

    /** After a backslash: the escape gson writes for the character it stands for, or -1. */
    private static int escape(byte[] line, int at, int to) {
        if (at >= to) {
            return -1;
        }
        switch (line[at]) {
            case '"':
            case '\\':
            case 't':
            case 'b':
            case 'n':
            case 'r':
            case 'f':
                return at + 1;
            case 'u':
                break;
            default:
                return -1;
        }
        if (to - at < 5) {
            return -1;
        }
        byte a = line[at + 1];
        byte b = line[at + 2];
        byte c = line[at + 3];
        byte d = line[at + 4];
        if (a == '0' && b == '0' && (c == '0' || c == '1')) {
            int low = hexLower(d);
            int value = (c - '0') * 16 + low;
            boolean shortForm = value == '\t' || value == '\b' || value == '\n' || value == '\r' || value == '\f';
            return low < 0 || shortForm ? -1 : at + 5;
        }
        if (a == '2' && b == '0' && c == '2' && (d == '8' || d == '9')) {
            return at + 5;
        }
        return -1;
    }

    private static int hexLower(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        return b >= 'a' && b <= 'f' ? b - 'a' + 10 : -1;
    }

    /**
     * One UTF-8 sequence of 2 to 4 bytes as the JDK's encoder writes it (shortest form, no
     * surrogate, at most U+10FFFF), not U+2028 or U+2029 (written escaped); the index after it or -1.
     */
    private static int utf8(byte[] line, int at, int to) {
        int b0 = line[at] & 0xff;
        if (b0 >= 0xc2 && b0 <= 0xdf) {
            return at + 1 < to && continuation(line[at + 1]) ? at + 2 : -1;
        }
        if (b0 >= 0xe0 && b0 <= 0xef) {
            if (to - at < 3 || !continuation(line[at + 1]) || !continuation(line[at + 2])) {
                return -1;
            }
            int b1 = line[at + 1] & 0xff;
            if ((b0 == 0xe0 && b1 < 0xa0) || (b0 == 0xed && b1 >= 0xa0)) {
                return -1; // overlong, or a surrogate
            }
            if (b0 == 0xe2 && b1 == 0x80 && ((line[at + 2] & 0xff) == 0xa8 || (line[at + 2] & 0xff) == 0xa9)) {
                return -1; // U+2028, U+2029: the encoder escapes them
            }
            return at + 3;
        }
        if (b0 >= 0xf0 && b0 <= 0xf4) {
            if (to - at < 4 || !continuation(line[at + 1]) || !continuation(line[at + 2])
                    || !continuation(line[at + 3])) {
                return -1;
            }
            int b1 = line[at + 1] & 0xff;
            if ((b0 == 0xf0 && b1 < 0x90) || (b0 == 0xf4 && b1 >= 0x90)) {
                return -1; // overlong, or beyond U+10FFFF
            }
            return at + 4;
        }
        return -1;
    }

    private static boolean continuation(byte b) {
        return (b & 0xc0) == 0x80;
    }

    /** An integer as {@code Long.toString} writes it (at most {@code maxDigits} digits): its end, or -1. */
    private static int integerEnd(byte[] line, int at, int to, int maxDigits) {
        int start = at;
        if (at < to && line[at] == '-') {
            at++;
        }
        int digitsFrom = at;
        while (at < to && line[at] >= '0' && line[at] <= '9') {
            at++;
        }
        int digits = at - digitsFrom;
        if (digits == 0 || digits > maxDigits || (line[digitsFrom] == '0' && (digits > 1 || digitsFrom > start))) {
            return -1; // none, too many, a leading zero, or -0
        }
        return at;
    }

    /** The value of an integer of at most 18 digits that {@link #integerEnd} accepted. */
    private static long integer(byte[] line, int at, int end) {
        boolean negative = line[at] == '-';
        long value = 0;
        for (int i = negative ? at + 1 : at; i < end; i++) {
            value = value * 10 + (line[i] - '0');
        }
        return negative ? -value : value;
    }

    /** yyyy-mm-ddThh:mm:ss.nnnnnnnnnZ with every field in range, as the encoder writes every year 0-9999. */
    private static boolean fixedWidthTime(byte[] line, int at) {
        for (int i = 0; i < TIME_LENGTH; i++) {
            byte expected = TIME_SHAPE[i];
            byte b = line[at + i];
            if (expected == '0' ? b < '0' || b > '9' : b != expected) {
                return false;
            }
        }
        int month = two(line, at + 5);
        int day = two(line, at + 8);
        // The same ranges as the parser's exact path: outside them it would take its lenient one.
        return month >= 1 && month <= 12 && day >= 1 && day <= lengthOfMonth(four(line, at), month)
                && two(line, at + 11) < 24 && two(line, at + 14) < 60 && two(line, at + 17) < 60;
    }

    private static int lengthOfMonth(int year, int month) {
        if (month == 2) {
            return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
        }
        return month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
    }

    private static int two(byte[] line, int at) {
        return (line[at] - '0') * 10 + (line[at + 1] - '0');
    }

    private static int four(byte[] line, int at) {
        return two(line, at) * 100 + two(line, at + 2);
    }

    /** Which of {@code choices} is at {@code at}: its index, or -1. */
    private static int which(byte[] line, int at, int to, Literal[] choices) {
        for (int i = 0; i < choices.length; i++) {
            if (choices[i].at(line, at, to)) {
                return i;
            }
        }
        return -1;
    }

    /** One of {@code choices} at {@code at}: the index after it, or -1. */
    private static int oneOf(byte[] line, int at, int to, Literal[] choices) {
        for (Literal choice : choices) {
            if (choice.at(line, at, to)) {
                return at + choice.length;
            }
        }
        return -1;
    }

    /**
     * The milliseconds of a time {@link #fixedWidthTime} accepted, as {@link java.time.Instant#toEpochMilli}
     * gives them (H. Hinnant's days_from_civil, as the time codec computes it).
     */
    private static long epochMillis(byte[] line, int at) {
        int year = four(line, at);
        int month = two(line, at + 5);
        int day = two(line, at + 8);
        int y = month <= 2 ? year - 1 : year;
        int era = Math.floorDiv(y, 400);
        int yearOfEra = y - era * 400;
        int dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        int dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        long epochDay = era * 146_097L + dayOfEra - 719_468;
        long seconds = epochDay * 86_400L + two(line, at + 11) * 3600L + two(line, at + 14) * 60L + two(line, at + 17);
        int millis = (int) (integer(line, at + 20, at + 23));
        return seconds * 1000 + millis;
    }

    /** ASCII bytes compared with one or two word loads instead of a byte loop (the names were a sixth of the check). */
    private static final class Literal {
        final byte[] bytes;
        final int length;
        final long firstLong;
        final long lastLong;
        final int firstInt;
        final int lastInt;

        Literal(String text) {
            bytes = text.getBytes(StandardCharsets.US_ASCII);
            length = bytes.length;
            firstLong = length >= 8 ? (long) LONGS.get(bytes, 0) : 0;
            lastLong = length >= 8 ? (long) LONGS.get(bytes, length - 8) : 0;
            firstInt = length >= 4 ? (int) INTS.get(bytes, 0) : 0;
            lastInt = length >= 4 ? (int) INTS.get(bytes, length - 4) : 0;
        }

        /** Whether {@code line[at, to)} starts with these bytes. */
        boolean at(byte[] line, int at, int to) {
            if (to - at < length) {
                return false;
            }
            if (length >= 8) {
                return (long) LONGS.get(line, at) == firstLong && (long) LONGS.get(line, at + length - 8) == lastLong
                        && (length <= 16 || Arrays.equals(line, at + 8, at + length - 8, bytes, 8, length - 8));
            }
            if (length >= 4) {
                return (int) INTS.get(line, at) == firstInt && (int) INTS.get(line, at + length - 4) == lastInt;
            }
            return Arrays.equals(line, at, at + length, bytes, 0, length);
        }
    }

    private static int indexOf(byte[] line, int from, int to, byte b) {
        for (int i = from; i < to; i++) {
            if (line[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static Literal[] quoted(int count, java.util.function.IntFunction<String> name) {
        Literal[] names = new Literal[count];
        for (int i = 0; i < count; i++) {
            names[i] = new Literal("\"" + name.apply(i) + "\"");
        }
        return names;
    }
}

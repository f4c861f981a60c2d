package io.containerlogging.core.internal;

import io.containerlogging.core.LevelSource;
import io.containerlogging.core.LogJson;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogSource;
import io.containerlogging.core.SourceType;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Decodes a stored message straight from the UTF-8 bytes of its NDJSON line, for a store that
 * reads whole files back (the local backend at start): no String of the line, no
 * {@link io.containerlogging.core.LogMessage}, and the values that repeat from line to line
 * (service name, container id, device id, source) come back as the same instances whenever their
 * bytes repeat. Reloading a million lines through {@link LogJson#fromJson} made ~8 objects a line
 * and spent a third of its time collecting them.
 *
 * <p>It takes only the form {@link LogJson} writes, as {@link LogJsonFastParser} does: one compact
 * object of {@link WireField}s, a {@code log-N} id without leading zeros, the fixed-width
 * {@link Rfc3339} time, no {@code fields}. For anything else {@link #decode} returns false and the
 * caller decodes the line as a String with {@link LogJson#fromJson}, which accepts it or says why
 * not; so a line means the same message whichever path reads it.
 *
 * <p>Not thread-safe: one instance per reading thread, reused for every line.
 */
public final class LogLineDecoder {

    // values() copies its array on every call: these are the copies the decoder uses.
    private static final LogLevel[] LEVEL_VALUES = LogLevel.values();
    private static final LevelSource[] LEVEL_SOURCE_VALUES = LevelSource.values();
    private static final SourceType[] SOURCE_TYPE_VALUES = SourceType.values();
    private static final byte[][] LEVELS = wireNames(LEVEL_VALUES);
    private static final byte[][] LEVEL_SOURCES = wireNames(LEVEL_SOURCE_VALUES);
    private static final byte[][] SOURCE_TYPES = wireNames(SOURCE_TYPE_VALUES);
    private static final SourceField[] SOURCE_FIELDS = SourceField.values();
    private static final byte[] ID_PREFIX = "log-".getBytes(StandardCharsets.US_ASCII);
    /** Thrown to give up; preallocated and stackless, so giving up is cheap. */
    private static final GiveUp GIVE_UP = new GiveUp();

    private final Interned serviceNames = new Interned();
    private final Interned containerIds = new Interned();
    private final Interned deviceIds = new Interned();
    private final Interned sourceNames = new Interned();
    private final Map<String, LogSource>[] sources = newSourceMaps();
    private byte[] scratch = new byte[256]; // unescaped string bytes
    private int nextField; // the WireField ordinal expected next

    private byte[] in;
    private int at;
    private int end;

    // The last decoded message.
    private long sequence;
    private String text;
    private long epochSecond;
    private int nano;
    private LogLevel level;
    private LevelSource levelSource;
    private LogSource source;
    private int serviceId;
    private boolean hasServiceId;
    private String serviceName;
    private String containerId;
    private String deviceId;
    private boolean isStdErr;
    private boolean isSystem;

    /**
     * Decodes the object that starts at {@code bytes[from]}, reading no further than {@code limit}.
     * Returns the index just after the object if it is a message in the common form, whose values
     * the accessors then give; -1 otherwise (the accessors are then undefined). The caller checks
     * that the line ends there: the decoder does not look for line terminators, so that a reader
     * of many lines need not search for them first.
     */
    public int decode(byte[] bytes, int from, int limit) {
        in = bytes;
        at = from;
        end = limit;
        try {
            return message() && at <= limit ? at : -1;
        } catch (ArrayIndexOutOfBoundsException e) { // cut short: read past the array
            return -1;
        } catch (GiveUp e) {
            return -1;
        }
    }

    /** The sequence number of the message's {@code log-N} id. */
    public long sequence() {
        return sequence;
    }

    public String text() {
        return text;
    }

    /** The timestamp's epoch second. */
    public long epochSecond() {
        return epochSecond;
    }

    /** The timestamp's nanosecond within its second. */
    public int nano() {
        return nano;
    }

    public LogLevel level() {
        return level;
    }

    /** The level source as written, or null if absent (the model's default then applies). */
    public LevelSource levelSource() {
        return levelSource;
    }

    public LogSource source() {
        return source;
    }

    /** The service id, or null if absent. */
    public Integer serviceId() {
        return hasServiceId ? serviceId : null;
    }

    public String serviceName() {
        return serviceName;
    }

    public String containerId() {
        return containerId;
    }

    public String deviceId() {
        return deviceId;
    }

    public boolean isStdErr() {
        return isStdErr;
    }

    public boolean isSystem() {
        return isSystem;
    }

    private boolean message() {
        sequence = -1;
        text = null;
        long millis = 0;
        boolean hasMillis = false;
        boolean hasTime = false;
        level = null;
        levelSource = null;
        source = null;
        hasServiceId = false;
        serviceName = null;
        containerId = null;
        deviceId = null;
        isStdErr = false;
        isSystem = false;
        nextField = 0;
        if (end - at < 2 || in[at++] != '{') {
            return false;
        }
        do {
            WireField field = wireName();
            if (field == null) {
                return false;
            }
            switch (field) {
                case ID:
                    if (!id()) {
                        return false;
                    }
                    break;
                case MESSAGE:
                    text = string(null);
                    break;
                case TIMESTAMP:
                    millis = number();
                    hasMillis = true;
                    break;
                case TIME:
                    if (!time()) {
                        return false;
                    }
                    hasTime = true;
                    break;
                case LEVEL:
                    level = (LogLevel) constant(LEVELS, LEVEL_VALUES);
                    break;
                case LEVEL_SOURCE:
                    levelSource = (LevelSource) constant(LEVEL_SOURCES, LEVEL_SOURCE_VALUES);
                    break;
                case SOURCE:
                    source = sourceObject();
                    break;
                case SERVICE_ID:
                    long id = number();
                    if (id != (int) id) {
                        return false;
                    }
                    serviceId = (int) id;
                    hasServiceId = true;
                    break;
                case SERVICE_NAME:
                    serviceName = string(serviceNames);
                    break;
                case CONTAINER_ID:
                    containerId = string(containerIds);
                    break;
                case DEVICE_ID:
                    deviceId = string(deviceIds);
                    break;
                case IS_STD_ERR:
                    isStdErr = bool();
                    break;
                case IS_SYSTEM:
                    isSystem = bool();
                    break;
                default: // FIELDS, and any field added later: the general decoder's business
                    return false;
            }
        } while (separator());
        if (at > end || sequence < 1 || text == null || level == null || source == null || !(hasTime || hasMillis)) {
            return false;
        }
        if (!hasTime) {
            epochSecond = Math.floorDiv(millis, 1000L);
            nano = (int) Math.floorMod(millis, 1000L) * 1_000_000;
        }
        return true;
    }

    /** Reads {@code "name":} and returns the {@link WireField} of that name, or null. */
    private WireField wireName() {
        // Fields come in the order the encoder writes them, absent ones left out: trying them from
        // the one after the last, each costs a byte or two until the one that is there.
        WireField[] all = WireField.ALL;
        for (int k = 0, index = nextField; k < all.length; k++, index = index + 1 == all.length ? 0 : index + 1) {
            byte[] name = all[index].nameBytes; // ,"name":
            if (at + name.length - 1 > end) {
                continue;
            }
            int i = 1;
            while (i < name.length && in[at + i - 1] == name[i]) {
                i++;
            }
            if (i == name.length) {
                at += name.length - 1;
                nextField = index + 1 == all.length ? 0 : index + 1;
                return all[index];
            }
        }
        return null; // an unknown name, or one written with an escape: not the common form
    }

    /** Reads {@code "name":} and returns the {@link SourceField} of that name, or null. */
    private SourceField sourceName() {
        expect('"');
        int start = at;
        while (in[at] != '"') {
            if (in[at] == '\\') {
                return null;
            }
            at++;
        }
        int length = at - start;
        at++;
        expect(':');
        for (SourceField field : SOURCE_FIELDS) {
            byte[] name = field.nameBytes;
            // nameBytes is ,"name": : the name is at [2, length - 2)
            if (name.length - 4 == length && Arrays.equals(name, 2, name.length - 2, in, start, start + length)) {
                return field;
            }
        }
        return null;
    }

    private boolean id() {
        expect('"');
        if (end - at < ID_PREFIX.length + 2 || !Arrays.equals(ID_PREFIX, 0, ID_PREFIX.length, in, at, at + ID_PREFIX.length)) {
            return false;
        }
        at += ID_PREFIX.length;
        int start = at;
        long value = 0;
        while (in[at] >= '0' && in[at] <= '9') {
            value = value * 10 + (in[at++] - '0');
        }
        int digits = at - start;
        if (in[at++] != '"' || digits == 0 || digits > 18 || in[start] == '0') {
            return false;
        }
        sequence = value;
        return true;
    }

    private boolean time() {
        expect('"');
        if (end - at < 31 || in[at + 30] != '"') {
            return false;
        }
        long second = Rfc3339.fixedEpochSecond(in, at);
        int nanos = Rfc3339.number(in, at + 20, 9);
        if (second == Long.MIN_VALUE || nanos < 0) {
            return false;
        }
        epochSecond = second;
        nano = nanos;
        at += 31;
        return true;
    }

    private LogSource sourceObject() {
        expect('{');
        SourceType type = null;
        String name = null;
        do {
            SourceField field = sourceName();
            if (field == SourceField.TYPE) {
                type = (SourceType) constant(SOURCE_TYPES, SOURCE_TYPE_VALUES);
            } else if (field == SourceField.NAME) {
                name = string(sourceNames);
            } else {
                throw GIVE_UP;
            }
        } while (separator());
        if (type == null) {
            throw GIVE_UP;
        }
        Map<String, LogSource> byName = sources[type.ordinal()]; // a null name is a key too
        LogSource known = byName.get(name);
        if (known == null) {
            known = new LogSource(type, name);
            if (byName.size() < 10_000) { // sources are few; the bound only guards memory
                byName.put(name, known);
            }
        }
        return known;
    }

    /** One of {@code constants}, by the wire name of a JSON string. */
    private Object constant(byte[][] names, Object[] constants) {
        expect('"');
        int start = at;
        while (in[at] != '"') {
            at++;
        }
        int length = at - start;
        at++;
        for (int i = 0; i < names.length; i++) {
            if (names[i].length == length && Arrays.equals(names[i], 0, length, in, start, at - 1)) {
                return constants[i];
            }
        }
        throw GIVE_UP; // an escape or an unknown name
    }

    /** A JSON string; through {@code interned} if given (its value repeats from line to line). */
    private String string(Interned interned) {
        expect('"');
        int start = at;
        while (true) {
            int c = in[at];
            if (c == '"') {
                break;
            }
            if (c == '\\') {
                return escaped(start);
            }
            if (c >= 0 && c < 0x20) {
                throw GIVE_UP;
            }
            at++;
        }
        int stop = at++;
        return interned == null ? new String(in, start, stop - start, StandardCharsets.UTF_8)
                : interned.of(in, start, stop);
    }

    // A string with escapes from `start`, unescaped into `scratch` (a \\u escape as
    // the UTF-8 bytes of its character), then decoded as the whole string would be.
    private String escaped(int start) {
        int length = 0;
        int run = start; // `at` is at the first escape: [start, at) is copied as it is
        while (true) {
            byte c;
            while ((c = in[at]) != '"' && c != '\\' && (c < 0 || c >= 0x20)) {
                at++;
            }
            int runLength = at - run;
            if (length + runLength + 4 > scratch.length) {
                scratch = Arrays.copyOf(scratch, Math.max(scratch.length * 2, length + runLength + 4));
            }
            System.arraycopy(in, run, scratch, length, runLength);
            length += runLength;
            at++;
            if (c == '"') {
                return new String(scratch, 0, length, StandardCharsets.UTF_8);
            }
            if (c != '\\') {
                throw GIVE_UP; // a control character
            }
            byte escape = in[at++];
            switch (escape) {
                case '"':
                case '\\':
                case '/':
                    scratch[length++] = escape;
                    break;
                case 'b':
                    scratch[length++] = '\b';
                    break;
                case 'f':
                    scratch[length++] = '\f';
                    break;
                case 'n':
                    scratch[length++] = '\n';
                    break;
                case 'r':
                    scratch[length++] = '\r';
                    break;
                case 't':
                    scratch[length++] = '\t';
                    break;
                case 'u':
                    length = unicodeEscape(length);
                    break;
                default:
                    throw GIVE_UP;
            }
            run = at;
        }
    }

    // A \\u escape (its "\\u" read) as UTF-8 bytes into scratch at `length` (room for 4 is there);
    // returns the new length.
    private int unicodeEscape(int length) {
        int ch = hex4();
        if (Character.isSurrogate((char) ch)) {
            // A pair: \\uD83D\\uDE00 is one character of four UTF-8 bytes; a lone surrogate has
            // no UTF-8 form, so the general decoder keeps it as it is.
            if (!Character.isHighSurrogate((char) ch) || in[at] != '\\' || in[at + 1] != 'u') {
                throw GIVE_UP;
            }
            at += 2;
            int low = hex4();
            if (!Character.isLowSurrogate((char) low)) {
                throw GIVE_UP;
            }
            int codePoint = Character.toCodePoint((char) ch, (char) low);
            scratch[length++] = (byte) (0xF0 | codePoint >> 18);
            scratch[length++] = (byte) (0x80 | (codePoint >> 12 & 0x3F));
            scratch[length++] = (byte) (0x80 | (codePoint >> 6 & 0x3F));
            scratch[length++] = (byte) (0x80 | (codePoint & 0x3F));
        } else if (ch < 0x80) {
            scratch[length++] = (byte) ch;
        } else if (ch < 0x800) {
            scratch[length++] = (byte) (0xC0 | ch >> 6);
            scratch[length++] = (byte) (0x80 | (ch & 0x3F));
        } else {
            scratch[length++] = (byte) (0xE0 | ch >> 12);
            scratch[length++] = (byte) (0x80 | (ch >> 6 & 0x3F));
            scratch[length++] = (byte) (0x80 | (ch & 0x3F));
        }
        return length;
    }

    private int hex4() {
        int value = 0;
        for (int stop = at + 4; at < stop; at++) {
            int digit = Character.digit(in[at], 16);
            if (digit < 0) {
                throw GIVE_UP;
            }
            value = value * 16 + digit;
        }
        return value;
    }

    /** A plain integer of at most 18 digits (no fraction, exponent or leading zeros). */
    private long number() {
        boolean negative = in[at] == '-';
        if (negative) {
            at++;
        }
        int start = at;
        long value = 0;
        while (at < end && in[at] >= '0' && in[at] <= '9') {
            value = value * 10 + (in[at++] - '0');
        }
        int digits = at - start;
        if (digits == 0 || digits > 18 || (digits > 1 && in[start] == '0') || (in[at] != ',' && in[at] != '}')) {
            throw GIVE_UP;
        }
        return negative ? -value : value;
    }

    private boolean bool() {
        if (in[at] == 't' && in[at + 1] == 'r' && in[at + 2] == 'u' && in[at + 3] == 'e') {
            at += 4;
            return true;
        }
        if (in[at] == 'f' && in[at + 1] == 'a' && in[at + 2] == 'l' && in[at + 3] == 's' && in[at + 4] == 'e') {
            at += 5;
            return false;
        }
        throw GIVE_UP;
    }

    /** After a member: true at {@code ,}, false at (and past) {@code }}. */
    private boolean separator() {
        byte c = in[at++];
        if (c == ',') {
            return true;
        }
        if (c == '}') {
            return false;
        }
        throw GIVE_UP;
    }

    private void expect(char c) {
        if (at >= end || in[at] != c) {
            throw GIVE_UP;
        }
        at++;
    }

    private static byte[][] wireNames(Enum<?>[] constants) {
        byte[][] names = new byte[constants.length][];
        for (int i = 0; i < constants.length; i++) {
            String name = constants[i] instanceof LogLevel ? ((LogLevel) constants[i]).wireName()
                    : constants[i] instanceof LevelSource ? ((LevelSource) constants[i]).wireName()
                    : ((SourceType) constants[i]).wireName();
            names[i] = name.getBytes(StandardCharsets.US_ASCII);
        }
        return names;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, LogSource>[] newSourceMaps() {
        Map<String, LogSource>[] maps = new Map[SourceType.values().length];
        for (int i = 0; i < maps.length; i++) {
            maps[i] = new HashMap<>();
        }
        return maps;
    }

    private static final class GiveUp extends RuntimeException {
        GiveUp() {
            super("not the common form", null, false, false);
        }
    }

    /**
     * The Strings of values that repeat, by their bytes: a direct-mapped table of the last value
     * seen per hash, so a repeated value costs a hash and a comparison of its bytes, not a String.
     */
    private static final class Interned {
        private final byte[][] bytes = new byte[256][];
        private final String[] strings = new String[256];

        String of(byte[] in, int from, int to) {
            // The first and last 16 bytes pick the slot (a container id's 64 would cost more than
            // they tell); the whole value is compared.
            int hash = to - from;
            for (int i = from, stop = Math.min(to, from + 16); i < stop; i++) {
                hash = 31 * hash + in[i];
            }
            for (int i = Math.max(from + 16, to - 16); i < to; i++) {
                hash = 31 * hash + in[i];
            }
            int slot = (hash ^ hash >>> 8) & 255;
            byte[] known = bytes[slot];
            if (known != null && Arrays.equals(known, 0, known.length, in, from, to)) {
                return strings[slot];
            }
            String value = new String(in, from, to - from, StandardCharsets.UTF_8);
            bytes[slot] = Arrays.copyOfRange(in, from, to);
            strings[slot] = value;
            return value;
        }
    }
}

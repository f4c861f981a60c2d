package io.containerlogging.docker;

import java.util.Arrays;

/**
 * Decodes one line of a container's {@code json-file} log straight from its bytes:
 * {@code {"log":"<JSON string>","stream":"stdout|stderr","time":"<RFC 3339>"}}, possibly with other
 * keys (dockerd adds {@code "attrs":{...}} with {@code --log-opt labels/env}), which are skipped.
 *
 * <p>Why not gson: this runs once per log entry, up to hundreds of thousands a second, and the
 * {@code log} value is wanted as UTF-8 bytes for the {@link LineAssembler}, not as a String. The
 * bytes of a JSON string are copied as they are, escapes are undone (four-hex-digit {@code \\u} escapes included, a
 * surrogate pair becoming one 4-byte UTF-8 sequence and a lone surrogate U+FFFD, as Go's decoder,
 * which serves the Engine API, does). Invalid UTF-8 is copied as it is; the assembler turns it into
 * U+FFFD when it builds the line's String.
 *
 * <p>Not thread-safe: one per reader; the decoded fields are valid until the next {@link #decode}.
 */
final class JsonFileLine {

    /** Which stream a line came from. */
    static final int STDOUT = 0;
    static final int STDERR = 1;

    private static final byte[] LOG = {'l', 'o', 'g'};
    private static final byte[] STREAM = {'s', 't', 'r', 'e', 'a', 'm'};
    private static final byte[] TIME = {'t', 'i', 'm', 'e'};
    private static final byte[] STDOUT_NAME = {'s', 't', 'd', 'o', 'u', 't'};
    private static final byte[] STDERR_NAME = {'s', 't', 'd', 'e', 'r', 'r'};
    /** Deeper nesting than this in an extra key's value is not json-file's: the line is refused. */
    private static final int MAX_DEPTH = 16;

    private byte[] log = new byte[256];
    private int logLength;
    private final byte[] time = new byte[64];
    private int timeLength;
    private int stream;

    // the input of the current decode
    private byte[] in;
    private int pos;
    private int end;

    /** The {@code log} value's bytes (UTF-8, unescaped); valid from 0 to {@link #logLength()}. */
    byte[] log() {
        return log;
    }

    int logLength() {
        return logLength;
    }

    /** The {@code time} value's bytes; valid from 0 to {@link #timeLength()}. */
    byte[] time() {
        return time;
    }

    int timeLength() {
        return timeLength;
    }

    /** {@link #STDOUT} or {@link #STDERR}. */
    int stream() {
        return stream;
    }

    /**
     * Decodes the line in {@code bytes} from {@code from} to {@code to} (without its newline).
     *
     * @return false if it is not a json-file line (not a JSON object, a key missing, a stream other
     *     than stdout and stderr, a time longer than 64 bytes); the fields are then undefined
     */
    boolean decode(byte[] bytes, int from, int to) {
        in = bytes;
        pos = from;
        end = to;
        logLength = -1;
        timeLength = -1;
        stream = -1;
        try {
            return object();
        } finally {
            in = null;
        }
    }

    private boolean object() {
        skipSpace();
        if (!take('{')) {
            return false;
        }
        skipSpace();
        if (take('}')) {
            return false;
        }
        while (true) {
            skipSpace();
            if (pos >= end || in[pos] != '"') {
                return false;
            }
            int keyStart = pos + 1;
            int keyEnd = plainStringEnd(keyStart);
            skipSpace();
            if (!take(':')) {
                return false;
            }
            skipSpace();
            if (keyEnd >= 0 && pos < end && in[pos] == '"') {
                if (matches(keyStart, keyEnd, LOG)) {
                    pos++;
                    if (!string(true)) {
                        return false;
                    }
                } else if (matches(keyStart, keyEnd, STREAM)) {
                    pos++;
                    int valueStart = pos;
                    int valueEnd = plainStringEnd(valueStart);
                    if (matches(valueStart, valueEnd, STDOUT_NAME)) {
                        stream = STDOUT;
                    } else if (matches(valueStart, valueEnd, STDERR_NAME)) {
                        stream = STDERR;
                    } else {
                        return false;
                    }
                } else if (matches(keyStart, keyEnd, TIME)) {
                    pos++;
                    int valueStart = pos;
                    int valueEnd = plainStringEnd(valueStart);
                    int length = valueEnd - valueStart;
                    if (valueEnd < 0 || length > time.length) {
                        return false;
                    }
                    System.arraycopy(in, valueStart, time, 0, length);
                    timeLength = length;
                } else if (!skipValue(0)) {
                    return false;
                }
            } else if (!skipValue(0)) {
                return false; // an escaped key is none of ours: skip its value
            }
            skipSpace();
            if (take('}')) {
                break;
            }
            if (!take(',')) {
                return false;
            }
        }
        skipSpace();
        return pos == end && logLength >= 0 && timeLength >= 0 && stream >= 0;
    }

    /**
     * For a string without escapes starting at {@code start} (after its quote): the index of its
     * closing quote, and {@code pos} just after it; -1 if it has an escape or does not end (then
     * {@code pos} is past the whole string, or at the end).
     */
    private int plainStringEnd(int start) {
        for (int i = start; i < end; i++) {
            byte b = in[i];
            if (b == '"') {
                pos = i + 1;
                return i;
            }
            if (b == '\\') {
                pos = start;
                string(false); // skips it
                return -1;
            }
        }
        pos = end;
        return -1;
    }

    private boolean matches(int from, int to, byte[] name) {
        return to >= 0 && Arrays.equals(in, from, to, name, 0, name.length);
    }

    /** Reads the string at {@code pos} (after its quote) into {@code log} (or only skips it). */
    private boolean string(boolean intoLog) {
        int length = 0;
        byte[] out = log;
        while (pos < end) {
            // copy the run up to the next quote or backslash in one go
            int runStart = pos;
            while (pos < end && in[pos] != '"' && in[pos] != '\\') {
                pos++;
            }
            int run = pos - runStart;
            if (intoLog && run > 0) {
                out = ensure(out, length + run);
                System.arraycopy(in, runStart, out, length, run);
                length += run;
            }
            if (pos >= end) {
                return false;
            }
            if (in[pos] == '"') {
                pos++;
                if (intoLog) {
                    log = out;
                    logLength = length;
                }
                return true;
            }
            pos++; // backslash
            if (pos >= end) {
                return false;
            }
            byte e = in[pos++];
            int c;
            switch (e) {
                case '"': c = '"'; break;
                case '\\': c = '\\'; break;
                case '/': c = '/'; break;
                case 'b': c = '\b'; break;
                case 'f': c = '\f'; break;
                case 'n': c = '\n'; break;
                case 'r': c = '\r'; break;
                case 't': c = '\t'; break;
                case 'u': {
                    c = hex4();
                    if (c < 0) {
                        return false;
                    }
                    if (Character.isHighSurrogate((char) c)) {
                        int low = pos + 6 <= end && in[pos] == '\\' && in[pos + 1] == 'u' ? peekHex4(pos + 2) : -1;
                        if (low >= 0 && Character.isLowSurrogate((char) low)) {
                            pos += 6;
                            c = Character.toCodePoint((char) c, (char) low);
                        } else {
                            c = 0xFFFD;
                        }
                    } else if (Character.isLowSurrogate((char) c)) {
                        c = 0xFFFD;
                    }
                    break;
                }
                default:
                    return false;
            }
            if (intoLog) {
                out = ensure(out, length + 4);
                length = utf8(c, out, length);
            }
        }
        return false;
    }

    private int hex4() {
        if (pos + 4 > end) {
            return -1;
        }
        int c = peekHex4(pos);
        pos += 4;
        return c;
    }

    private int peekHex4(int at) {
        int c = 0;
        for (int i = at; i < at + 4; i++) {
            int digit = Character.digit(in[i], 16);
            if (digit < 0) {
                return -1;
            }
            c = c << 4 | digit;
        }
        return c;
    }

    private static int utf8(int c, byte[] out, int at) {
        if (c < 0x80) {
            out[at++] = (byte) c;
        } else if (c < 0x800) {
            out[at++] = (byte) (0xC0 | c >> 6);
            out[at++] = (byte) (0x80 | c & 0x3F);
        } else if (c < 0x10000) {
            out[at++] = (byte) (0xE0 | c >> 12);
            out[at++] = (byte) (0x80 | c >> 6 & 0x3F);
            out[at++] = (byte) (0x80 | c & 0x3F);
        } else {
            out[at++] = (byte) (0xF0 | c >> 18);
            out[at++] = (byte) (0x80 | c >> 12 & 0x3F);
            out[at++] = (byte) (0x80 | c >> 6 & 0x3F);
            out[at++] = (byte) (0x80 | c & 0x3F);
        }
        return at;
    }

    private static byte[] ensure(byte[] buffer, int size) {
        return size <= buffer.length ? buffer : Arrays.copyOf(buffer, Math.max(size, buffer.length * 2));
    }

    /** Skips any JSON value at {@code pos}; false if it is not one. */
    private boolean skipValue(int depth) {
        if (pos >= end || depth > MAX_DEPTH) {
            return false;
        }
        byte b = in[pos];
        if (b == '"') {
            pos++;
            return string(false);
        }
        if (b == '{' || b == '[') {
            byte close = b == '{' ? (byte) '}' : (byte) ']';
            pos++;
            skipSpace();
            if (take(close)) {
                return true;
            }
            while (true) {
                skipSpace();
                if (b == '{') {
                    if (pos >= end || in[pos] != '"') {
                        return false;
                    }
                    pos++;
                    if (!string(false)) {
                        return false;
                    }
                    skipSpace();
                    if (!take(':')) {
                        return false;
                    }
                    skipSpace();
                }
                if (!skipValue(depth + 1)) {
                    return false;
                }
                skipSpace();
                if (take(close)) {
                    return true;
                }
                if (!take(',')) {
                    return false;
                }
            }
        }
        // a number, true, false or null: its characters up to a delimiter
        int start = pos;
        while (pos < end && in[pos] != ',' && in[pos] != '}' && in[pos] != ']' && in[pos] > ' ') {
            pos++;
        }
        return pos > start;
    }

    private void skipSpace() {
        while (pos < end && (in[pos] == ' ' || in[pos] == '\t' || in[pos] == '\r' || in[pos] == '\n')) {
            pos++;
        }
    }

    private boolean take(char c) {
        if (pos < end && in[pos] == c) {
            pos++;
            return true;
        }
        return false;
    }

    private boolean take(byte c) {
        return take((char) c);
    }
}

package io.containerlogging.core.internal;

import io.containerlogging.core.LogJson;
import io.containerlogging.core.LogFields;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogSource;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte buffer that encodes messages as UTF-8 JSON directly, byte for byte the same as
 * {@link LogJson#write} through a UTF-8 {@link java.io.Writer} (gson's escaping without HTML
 * escaping; a lone surrogate becomes {@code ?}, as the JDK's UTF-8 encoder writes it), several
 * times faster than that {@code Writer} chain. The REST API and the file writer use it.
 *
 * <p>Not thread-safe: one per thread or per response.
 */
public final class Utf8Buffer {

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FALSE = "false".getBytes(StandardCharsets.US_ASCII);
    // 0: written as is; 1: \\uXXXX; else the character after the backslash (gson's short escapes)
    private static final byte[] ESCAPE = new byte[128];
    // The bytes string() must look at in UTF-8 text: those ESCAPE escapes, and 0xE2 (U+2028/9).
    private static final boolean[] SPECIAL = new boolean[256];

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
        for (int b = 0; b < 128; b++) {
            SPECIAL[b] = ESCAPE[b] != 0;
        }
        SPECIAL[0xe2] = true;
    }

    // Each field's ,"name": as up to two little-endian longs, written with one or two 8-byte stores
    // (System.arraycopy's fixed cost dominated copying a few bytes: ~5% of encoding a message).
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long[] NAME_LOW = new long[WireField.values().length];
    private static final long[] NAME_HIGH = new long[WireField.values().length];

    static {
        for (WireField field : WireField.inOrder()) {
            byte[] name = field.nameBytes;
            for (int i = 0; i < Math.min(name.length, 16); i++) {
                if (i < 8) {
                    NAME_LOW[field.ordinal()] |= (name[i] & 0xffL) << (i * 8);
                } else {
                    NAME_HIGH[field.ordinal()] |= (name[i] & 0xffL) << ((i - 8) * 8);
                }
            }
        }
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

    /** Appends {@code message} as one JSON object: the {@link WireField}s in order, absent ones omitted. */
    public Utf8Buffer write(LogMessage message) {
        // Every member is written with a leading comma; the first one's becomes the '{'.
        int start = size;
        for (WireField field : WireField.ALL) {
            switch (field.kind()) {
                case STRING: {
                    String value = field.string(message);
                    if (value != null) {
                        name(field);
                        string(value);
                    }
                    break;
                }
                case LONG:
                    name(field);
                    number(field.number(message));
                    break;
                case INT: {
                    Integer value = field.integer(message);
                    if (value != null) {
                        name(field);
                        number(value);
                    }
                    break;
                }
                case BOOLEAN:
                    name(field);
                    append(field.bool(message) ? TRUE : FALSE);
                    break;
                case TIME:
                    name(field);
                    ensure(Rfc3339.MAX_LENGTH + 2);
                    bytes[size++] = '"';
                    size = Rfc3339.write(field.time(message), bytes, size);
                    bytes[size++] = '"';
                    break;
                case SOURCE:
                    name(field);
                    source(field.source(message));
                    break;
                case FIELDS: {
                    LogFields fields = field.fields(message);
                    if (fields != null) {
                        name(field);
                        fields(fields);
                    }
                    break;
                }
                default:
                    throw new AssertionError(field.kind());
            }
        }
        return endObject(start);
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

    private void source(LogSource source) {
        int start = size;
        for (SourceField field : SourceField.ALL) {
            String value = field.string(source);
            if (value != null) {
                append(field.nameBytes);
                string(value);
            }
        }
        endObject(start);
    }

    private void fields(LogFields fields) {
        append((byte) '{');
        for (int i = 0, n = fields.size(); i < n; i++) {
            if (i > 0) {
                append((byte) ',');
            }
            string(fields.key(i));
            append((byte) ':');
            Object value = fields.value(i);
            if (value instanceof String) {
                string((String) value);
            } else if (value instanceof Long) {
                number((Long) value);
            } else {
                ascii(LogFields.textOf(value)); // a Boolean or BigDecimal: its JSON text is ASCII
            }
        }
        append((byte) '}');
    }

    private void ascii(String text) {
        int length = text.length();
        ensure(length);
        for (int i = 0; i < length; i++) {
            bytes[size + i] = (byte) text.charAt(i);
        }
        size += length;
    }

    /** Ends the object whose members, each after a comma, start at {@code start}. */
    private Utf8Buffer endObject(int start) {
        if (size == start) {
            append((byte) '{');
        } else {
            bytes[start] = '{';
        }
        return append((byte) '}');
    }

    /** Appends {@code ,"name":} of {@code field}. */
    private void name(WireField field) {
        byte[] name = field.nameBytes;
        if (name.length > 16) {
            append(name);
            return;
        }
        ensure(16);
        LONGS.set(bytes, size, NAME_LOW[field.ordinal()]);
        if (name.length > 8) {
            LONGS.set(bytes, size + 8, NAME_HIGH[field.ordinal()]);
        }
        size += name.length;
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(size + more, bytes.length * 2 + 64));
        }
    }

    private void number(long value) {
        if (value >= 0 && value < 10) {
            append((byte) ('0' + value));
        } else if (value == Long.MIN_VALUE) { // has no positive counterpart
            ascii(Long.toString(value));
        } else { // digits straight into the buffer: a timestamp per message, no String made for it
            ensure(20);
            if (value < 0) {
                bytes[size++] = '-';
                value = -value;
            }
            int length = 1;
            for (long rest = value / 10; rest != 0; rest /= 10) {
                length++;
            }
            int at = size + length;
            do {
                bytes[--at] = (byte) ('0' + value % 10);
                value /= 10;
            } while (value != 0);
            size += length;
        }
    }

    private void string(String text) {
        // The JDK's own UTF-8 encoding (a plain array copy for ASCII text; '?' for a lone
        // surrogate, as gson's path writes it too), then the bytes are copied in runs between
        // the few that need escaping. Log lines often hold quotes (an
        // access log's user agent, a JSON payload): escaping them char by char, as this did for
        // any text with one quote, cost most of encoding such a message.
        byte[] encoded = text.getBytes(StandardCharsets.UTF_8);
        int count = encoded.length;
        ensure(count + 2);
        bytes[size++] = '"';
        int from = 0; // the start of the bytes not yet copied
        int at = nextSpecial(encoded, 0);
        while (at < count) {
            byte b = encoded[at];
            if (b == (byte) 0xe2) {
                // U+2028 and U+2029 (E2 80 A8/A9) are escaped as gson does; any other
                // character starting with E2 is copied as it is.
                if (at + 2 < count && encoded[at + 1] == (byte) 0x80
                        && (encoded[at + 2] == (byte) 0xa8 || encoded[at + 2] == (byte) 0xa9)) {
                    copy(encoded, from, at);
                    ensure(6);
                    byte[] out = bytes;
                    out[size] = '\\';
                    out[size + 1] = 'u';
                    out[size + 2] = '2';
                    out[size + 3] = '0';
                    out[size + 4] = '2';
                    out[size + 5] = encoded[at + 2] == (byte) 0xa8 ? (byte) '8' : (byte) '9';
                    size += 6;
                    from = at + 3;
                    at = nextSpecial(encoded, from);
                } else {
                    at = nextSpecial(encoded, at + 1);
                }
                continue;
            }
            copy(encoded, from, at);
            ensure(6);
            byte[] out = bytes;
            byte escape = ESCAPE[b];
            out[size++] = '\\';
            if (escape == 1) {
                out[size++] = 'u';
                out[size++] = '0';
                out[size++] = '0';
                out[size++] = HEX[b >> 4];
                out[size++] = HEX[b & 0xf];
            } else {
                out[size++] = escape;
            }
            from = at + 1;
            at = nextSpecial(encoded, from);
        }
        copy(encoded, from, count);
        ensure(1);
        bytes[size++] = '"';
    }

    private void copy(byte[] from, int start, int end) {
        int length = end - start;
        if (length > 0) {
            ensure(length);
            System.arraycopy(from, start, bytes, size, length);
            size += length;
        }
    }

    /**
     * The index of the first byte at or after {@code from} that {@link #string} must look at (a
     * control character, a quote, a backslash, or 0xE2, which starts U+2028 and U+2029), or
     * {@code encoded.length}. One table load per byte: measured faster than testing eight bytes
     * at a time with word arithmetic, and than comparing each byte.
     */
    private static int nextSpecial(byte[] encoded, int from) {
        boolean[] special = SPECIAL;
        for (int at = from, end = encoded.length; at < end; at++) {
            if (special[encoded[at] & 0xff]) {
                return at;
            }
        }
        return encoded.length;
    }
}

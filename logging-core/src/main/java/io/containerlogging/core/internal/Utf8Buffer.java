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

    /** Strings up to this length are encoded char by char, longer ones through {@code getBytes}. */
    private static final int SHORT_STRING = 16;
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FALSE = "false".getBytes(StandardCharsets.US_ASCII);
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
        if (text.length() <= SHORT_STRING) {
            // Ids, levels, short names: char by char costs no more than the copy below and
            // makes no garbage. Longer, char by char is slower than copying, above all in the
            // example server's C1-compiled code (measured: 6.5 % of its CPU at 80 characters).
            escapedString(text);
            return;
        }
        // Long text: the JDK's own UTF-8 encoding (a plain array copy for ASCII text), then
        // one pass over the bytes. Any byte below 0x20 (negative bytes included: non-ASCII),
        // a quote or a backslash sends the text down the char-by-char path instead.
        byte[] encoded = text.getBytes(StandardCharsets.UTF_8);
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
}

package io.containerlogging.forward.syslog;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A JSON string as gson writes it, read from its UTF-8 bytes: raw UTF-8 for everything but the
 * quote, the backslash and control characters, and escapes only for those and for U+2028 and
 * U+2029, so every escape stands for one char of the Basic Multilingual Plane that is not a
 * surrogate. For {@link CanonicalFields}.
 */
final class JsonStringBytes {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private JsonStringBytes() {
    }

    /** The number of bytes of the escape whose backslash is at {@code at}. */
    static int escapeLength(byte[] in, int at) {
        return in[at + 1] == 'u' ? 6 : 2;
    }

    /** The char an escape stands for (after its backslash), or -1 for one gson does not write. */
    static int unescape(byte[] in, int at, int to) {
        if (at >= to) {
            return -1;
        }
        switch (in[at]) {
            case '"':
                return '"';
            case '\\':
                return '\\';
            case 't':
                return '\t';
            case 'b':
                return '\b';
            case 'n':
                return '\n';
            case 'r':
                return '\r';
            case 'f':
                return '\f';
            case 'u':
                break;
            default:
                return -1;
        }
        if (to - at < 5) {
            return -1;
        }
        int c = 0;
        for (int i = 1; i <= 4; i++) {
            int d = Character.digit(in[at + i], 16);
            if (d < 0) {
                return -1;
            }
            c = c * 16 + d;
        }
        // gson writes \\u only for control chars, U+2028 and U+2029: never a surrogate
        return Character.isSurrogate((char) c) ? -1 : c;
    }

    /** The UTF-8 of a char of the BMP that is not a surrogate; returns the new size. */
    static int putChar(byte[] o, int size, int c) {
        if (c < 0x80) {
            o[size++] = (byte) c;
        } else if (c < 0x800) {
            o[size++] = (byte) (0xC0 | c >> 6);
            o[size++] = (byte) (0x80 | c & 0x3F);
        } else {
            o[size++] = (byte) (0xE0 | c >> 12);
            o[size++] = (byte) (0x80 | c >> 6 & 0x3F);
            o[size++] = (byte) (0x80 | c & 0x3F);
        }
        return size;
    }

    /** The length of the UTF-8 sequence a lead byte starts, or -1 if it is no lead byte. */
    static int sequenceLength(int b) {
        int u = b & 0xFF;
        return u >= 0xF0 && u <= 0xF4 ? 4 : u >= 0xE0 ? (u <= 0xEF ? 3 : -1) : u >= 0xC2 ? 2 : -1;
    }

    /** Printable ASCII without quote or backslash in all eight bytes (as in CanonicalLine). */
    static boolean plain(long word) {
        long quote = word ^ 0x2222222222222222L;
        long backslash = word ^ 0x5c5c5c5c5c5c5c5cL;
        long flags = word | ((word - 0x2020202020202020L) & ~word) | ((quote - 0x0101010101010101L) & ~quote)
                | ((backslash - 0x0101010101010101L) & ~backslash);
        return (flags & 0x8080808080808080L) == 0;
    }

    /** The index after the JSON string that starts at {@code at} (its quote), or -1. */
    static int stringEnd(byte[] in, int at, int to) {
        if (at >= to || in[at] != '"') {
            return -1;
        }
        // A byte loop: the values skipped are short (ids, names), and a word loop here was slower.
        for (at++; at < to; at++) {
            byte b = in[at];
            if (b == '"') {
                return at + 1;
            }
            if (b == '\\') {
                at++; // the escaped char is never a quote that ends the string
            }
        }
        return -1;
    }
}

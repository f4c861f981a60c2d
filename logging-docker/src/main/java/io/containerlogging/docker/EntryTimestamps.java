package io.containerlogging.docker;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/**
 * Parses the RFC 3339 timestamp that dockerd puts before every log entry ({@code timestamps=1}),
 * straight from the stream's bytes.
 *
 * <p>Why not {@link Instant#parse}: it builds a {@code String}, a {@code Parsed} map and a
 * formatter context per call, about a microsecond and a dozen objects per line; at a million lines
 * that was the largest single cost of reading a log, on a machine where the reader competes with
 * dockerd for the CPU. dockerd writes Go's {@code RFC3339Nano} in UTC:
 * {@code 2026-11-24T12:33:35.123456789Z}, the fraction trimmed of trailing zeros (and left out when
 * zero). Consecutive entries nearly always share their date and time to the second, so the epoch
 * second of the last {@value #SECONDS_PREFIX} prefix is cached and only the fraction is parsed.
 * Numeric offsets ({@code +02:00}) are understood too. Anything else (a leap second, a shape
 * dockerd does not write) goes to {@link Instant#parse}, as every entry did before, so the fast
 * path never changes what is accepted.
 *
 * <p>Not thread-safe (the cache): one per stream reader.
 */
final class EntryTimestamps {

    /** Length of {@code yyyy-MM-ddTHH:mm:ss}. */
    private static final int SECONDS_PREFIX = 19;

    private final byte[] cachedPrefix = new byte[SECONDS_PREFIX];
    private long cachedEpochSecond;
    private boolean cached;

    /**
     * Parses {@code length} bytes of {@code bytes} from 0.
     *
     * @return the instant, or null if the bytes are not an RFC 3339 timestamp
     */
    Instant parse(byte[] bytes, int length) {
        if (length > SECONDS_PREFIX && isSimpleShape(bytes)) {
            Instant fast = parseFast(bytes, length);
            if (fast != null) {
                return fast;
            }
        }
        return parseSlow(bytes, length);
    }

    private Instant parseFast(byte[] bytes, int length) {
        int i = SECONDS_PREFIX;
        int nanos = 0;
        if (bytes[i] == '.') {
            i++;
            int digits = 0;
            while (i < length && isDigit(bytes[i])) {
                if (digits == 9) {
                    return null; // finer than nanoseconds: leave it to the general parser
                }
                nanos = nanos * 10 + (bytes[i] - '0');
                digits++;
                i++;
            }
            if (digits == 0) {
                return null;
            }
            for (int d = digits; d < 9; d++) {
                nanos *= 10;
            }
        }
        int offsetSeconds;
        if (i == length - 1 && (bytes[i] == 'Z' || bytes[i] == 'z')) {
            offsetSeconds = 0;
        } else if (i == length - 6 && (bytes[i] == '+' || bytes[i] == '-') && bytes[i + 3] == ':'
                && allDigits(bytes, i + 1, i + 3) && allDigits(bytes, i + 4, i + 6)) {
            int hours = twoDigits(bytes, i + 1);
            int minutes = twoDigits(bytes, i + 4);
            if (hours > 18 || minutes > 59) {
                return null;
            }
            offsetSeconds = (bytes[i] == '-' ? -1 : 1) * (hours * 3600 + minutes * 60);
        } else {
            return null;
        }
        if (!resolveSecond(bytes)) {
            return null;
        }
        return Instant.ofEpochSecond(cachedEpochSecond - offsetSeconds, nanos);
    }

    /**
     * Makes {@code cachedEpochSecond} the local date-time to the second of {@code bytes}, as epoch
     * seconds (offset not applied); false if it is no valid date-time. A boolean rather than a
     * boxed {@code Long}, which would allocate once per line.
     */
    private boolean resolveSecond(byte[] bytes) {
        if (cached && java.util.Arrays.equals(bytes, 0, SECONDS_PREFIX, cachedPrefix, 0, SECONDS_PREFIX)) {
            return true;
        }
        int year = twoDigits(bytes, 0) * 100 + twoDigits(bytes, 2);
        int month = twoDigits(bytes, 5);
        int day = twoDigits(bytes, 8);
        int hour = twoDigits(bytes, 11);
        int minute = twoDigits(bytes, 14);
        int second = twoDigits(bytes, 17);
        if (hour > 23 || minute > 59 || second > 59) {
            return false; // a leap second among them: the general parser decides
        }
        long epochDay;
        try {
            epochDay = LocalDate.of(year, month, day).toEpochDay();
        } catch (DateTimeException e) {
            return false;
        }
        cachedEpochSecond = epochDay * 86_400 + hour * 3600 + minute * 60 + second;
        System.arraycopy(bytes, 0, cachedPrefix, 0, SECONDS_PREFIX);
        cached = true;
        return true;
    }

    /** {@code dddd-dd-ddTdd:dd:dd} */
    private static boolean isSimpleShape(byte[] b) {
        return allDigits(b, 0, 4) && b[4] == '-' && allDigits(b, 5, 7) && b[7] == '-' && allDigits(b, 8, 10)
                && (b[10] == 'T' || b[10] == 't') && allDigits(b, 11, 13) && b[13] == ':'
                && allDigits(b, 14, 16) && b[16] == ':' && allDigits(b, 17, 19);
    }

    private static Instant parseSlow(byte[] bytes, int length) {
        try {
            return Instant.parse(new String(bytes, 0, length, StandardCharsets.US_ASCII));
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static boolean allDigits(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!isDigit(bytes[i])) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static int twoDigits(byte[] bytes, int at) {
        return (bytes[at] - '0') * 10 + (bytes[at + 1] - '0');
    }
}

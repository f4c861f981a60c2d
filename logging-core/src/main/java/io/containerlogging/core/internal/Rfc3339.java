package io.containerlogging.core.internal;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;

/**
 * The wire format's time: RFC 3339 in UTC with exactly nine fraction digits, e.g.
 * {@code 2023-10-01T21:20:00.000000001Z}, so that values sort as strings. The one formatter, writing
 * ASCII bytes; {@link #format} makes a String of them.
 *
 * <p>Thread-safety: stateless.
 */
public final class Rfc3339 {

    /** The length of the fixed-width form. */
    static final int LENGTH = 30;

    /**
     * Room {@link #write} needs: the fixed-width form, or {@link Instant#toString()} for years
     * outside 0000-9999 (at most {@code +1000000000-12-31T23:59:59.999999999Z}).
     */
    static final int MAX_LENGTH = 40;

    private Rfc3339() {
    }

    /** {@code time} in the fixed-width form (see the class comment). */
    public static String format(Instant time) {
        byte[] out = new byte[MAX_LENGTH];
        int end = write(time, out, 0);
        return new String(out, 0, end, StandardCharsets.ISO_8859_1);
    }

    /**
     * Writes {@code time} as ASCII to {@code out} from {@code at}, which must leave room for
     * {@link #MAX_LENGTH} bytes.
     *
     * @return the index after the last byte written
     */
    static int write(Instant time, byte[] out, int at) {
        long seconds = time.getEpochSecond();
        long day = Math.floorDiv(seconds, 86_400L);
        int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
        // H. Hinnant's civil_from_days: the proleptic Gregorian date, as LocalDate.ofEpochDay
        // computes it, without its object and checks (the year is checked just below).
        long z = day + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long dayOfEra = z - era * 146_097;
        long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long shiftedMonth = (5 * dayOfYear + 2) / 153; // 0 = March
        int dayOfMonth = (int) (dayOfYear - (153 * shiftedMonth + 2) / 5 + 1);
        int month = (int) (shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9);
        long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
        if (year < 0 || year > 9999) {
            // outside RFC 3339's four-digit years; never seen in logs. Beyond java.time's years
            // LocalDate throws DateTimeException, as formatting always did.
            LocalDate.ofEpochDay(day);
            byte[] text = time.toString().getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(text, 0, out, at, text.length);
            return at + text.length;
        }
        digits(out, at, (int) year, 4);
        out[at + 4] = '-';
        digits(out, at + 5, month, 2);
        out[at + 7] = '-';
        digits(out, at + 8, dayOfMonth, 2);
        out[at + 10] = 'T';
        digits(out, at + 11, secondOfDay / 3600, 2);
        out[at + 13] = ':';
        digits(out, at + 14, secondOfDay / 60 % 60, 2);
        out[at + 16] = ':';
        digits(out, at + 17, secondOfDay % 60, 2);
        out[at + 19] = '.';
        digits(out, at + 20, time.getNano(), 9);
        out[at + 29] = 'Z';
        return at + LENGTH;
    }

    /**
     * Parses an RFC 3339 date-time, with any number of fraction digits and any offset. The
     * fixed-width form that {@link #format} and Docker write takes a fast path.
     *
     * @throws DateTimeException if {@code text} is not RFC 3339
     */
    public static Instant parse(String text) {
        if (text.length() == LENGTH && text.charAt(29) == 'Z' && text.charAt(19) == '.'
                && text.charAt(4) == '-' && text.charAt(10) == 'T') {
            int year = number(text, 0, 4);
            int month = number(text, 5, 2);
            int dayOfMonth = number(text, 8, 2);
            int hour = number(text, 11, 2);
            int minute = number(text, 14, 2);
            int second = number(text, 17, 2);
            int nano = number(text, 20, 9);
            if (year >= 0 && month >= 1 && month <= 12 && dayOfMonth >= 1 && dayOfMonth <= lengthOfMonth(year, month)
                    && hour >= 0 && hour < 24 && minute >= 0 && minute < 60 && second >= 0 && second < 60
                    && nano >= 0) {
                return Instant.ofEpochSecond(epochDay(year, month, dayOfMonth) * 86_400L + hour * 3600L
                        + minute * 60L + second, nano);
            }
        }
        return OffsetDateTime.parse(text).toInstant();
    }

    /**
     * The epoch second of the fixed-width form in the ASCII bytes {@code text[at, at + 30)}, the
     * form {@link #parse} takes its fast path for, with the same checks; its nanoseconds are the
     * nine digits at {@code at + 20}. Returns {@link Long#MIN_VALUE} for anything else (the caller
     * then parses the text with {@link #parse}).
     */
    static long fixedEpochSecond(byte[] text, int at) {
        if (text[at + 29] != 'Z' || text[at + 19] != '.' || text[at + 4] != '-' || text[at + 7] != '-'
                || text[at + 10] != 'T' || text[at + 13] != ':' || text[at + 16] != ':') {
            return Long.MIN_VALUE;
        }
        int year = number(text, at, 4);
        int month = number(text, at + 5, 2);
        int dayOfMonth = number(text, at + 8, 2);
        int hour = number(text, at + 11, 2);
        int minute = number(text, at + 14, 2);
        int second = number(text, at + 17, 2);
        if (year >= 0 && month >= 1 && month <= 12 && dayOfMonth >= 1 && dayOfMonth <= lengthOfMonth(year, month)
                && hour >= 0 && hour < 24 && minute >= 0 && minute < 60 && second >= 0 && second < 60) {
            return epochDay(year, month, dayOfMonth) * 86_400L + hour * 3600L + minute * 60L + second;
        }
        return Long.MIN_VALUE;
    }

    /** The decimal number in the ASCII bytes {@code text[at, at + width)}, or -1 if any is not a digit. */
    static int number(byte[] text, int at, int width) {
        int value = 0;
        for (int i = at; i < at + width; i++) {
            int c = text[i];
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static int lengthOfMonth(int year, int month) {
        if (month == 2) {
            return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
        }
        return month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
    }

    /**
     * Days from 1970-01-01 to a valid proleptic Gregorian date with a year of 0 or more (H. Hinnant's
     * days_from_civil), without {@code LocalDate}'s validation and object, which the caller has done.
     */
    private static long epochDay(int year, int month, int dayOfMonth) {
        int y = month <= 2 ? year - 1 : year;
        int era = Math.floorDiv(y, 400);
        int yearOfEra = y - era * 400;
        int dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + dayOfMonth - 1;
        int dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097L + dayOfEra - 719_468;
    }

    private static void digits(byte[] out, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (byte) ('0' + value % 10);
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
}

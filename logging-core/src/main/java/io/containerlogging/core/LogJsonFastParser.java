package io.containerlogging.core;

import java.time.Instant;

/**
 * A parser for the common case of {@link LogJson#fromJson}: one compact JSON object with only
 * the known fields, as {@link LogJson} writes it (any order). It reads the String in place,
 * without a {@code JsonReader} and its per-instance buffer, which dominated reloading files.
 * Anything else (whitespace, {@code null} values, unknown fields, numbers in other forms, invalid
 * values, missing required fields) makes it give up and return null, and {@link LogJson}'s gson
 * path then parses the text or reports why it is not a message. So it never accepts what gson
 * would reject, and gives the same message for what it accepts.
 *
 * <p>Not thread-safe; one instance per parse.
 */
final class LogJsonFastParser {

    /** Thrown to give up; preallocated and stackless, so giving up is cheap. */
    private static final RuntimeException GIVE_UP = new RuntimeException("not the common form", null, false, false) {
    };

    private final String text;
    private final int length;
    private int at;

    private LogJsonFastParser(String text) {
        this.text = text;
        this.length = text.length();
    }

    /** The message in {@code json}, or null if it is not in the common form. */
    static LogMessage tryParse(String json) {
        try {
            return new LogJsonFastParser(json).message();
        } catch (RuntimeException e) { // GIVE_UP, or a value the model refuses (e.g. an unknown level)
            return null;
        }
    }

    private LogMessage message() {
        String id = null;
        String message = null;
        long timestampMillis = 0;
        boolean hasTimestamp = false;
        Instant time = null;
        LogLevel level = null;
        LogSource source = null;
        Integer serviceId = null;
        String serviceName = null;
        String containerId = null;
        boolean isStdErr = false;
        boolean isSystem = false;
        String deviceId = null;
        expect('{');
        do {
            int nameStart = at + 1;
            int nameLength = name();
            switch (nameLength) {
                case 2:
                    require(nameStart, "id");
                    id = string();
                    break;
                case 4:
                    require(nameStart, LogJson.TIME_FIELD);
                    time = LogJson.parseTime(string());
                    break;
                case 5:
                    require(nameStart, "level");
                    level = LogLevel.fromWireName(string());
                    break;
                case 6:
                    require(nameStart, "source");
                    source = source();
                    break;
                case 7:
                    require(nameStart, "message");
                    message = string();
                    break;
                case 8:
                    if (text.startsWith("isStdErr", nameStart)) {
                        isStdErr = bool();
                    } else if (text.startsWith("deviceId", nameStart)) {
                        deviceId = string();
                    } else {
                        require(nameStart, "isSystem");
                        isSystem = bool();
                    }
                    break;
                case 9:
                    if (text.startsWith("timestamp", nameStart)) {
                        timestampMillis = number();
                        hasTimestamp = true;
                    } else {
                        require(nameStart, "serviceId");
                        long value = number();
                        if (value != (int) value) {
                            throw GIVE_UP;
                        }
                        serviceId = (int) value;
                    }
                    break;
                case 11:
                    if (text.startsWith("serviceName", nameStart)) {
                        serviceName = string();
                    } else {
                        require(nameStart, "containerId");
                        containerId = string();
                    }
                    break;
                default:
                    throw GIVE_UP;
            }
        } while (separator());
        if (at != length || message == null || level == null || source == null || (time == null && !hasTimestamp)) {
            throw GIVE_UP;
        }
        Instant timestamp = time != null ? time : Instant.ofEpochMilli(timestampMillis);
        return new LogMessage(id, message, timestamp, level, source, serviceId, serviceName,
                containerId, isStdErr, isSystem, deviceId);
    }

    private LogSource source() {
        SourceType type = null;
        String name = null;
        expect('{');
        do {
            int nameStart = at + 1;
            int nameLength = name();
            if (nameLength == 4 && text.startsWith("type", nameStart)) {
                type = SourceType.fromWireName(string());
            } else if (nameLength == 4 && text.startsWith("name", nameStart)) {
                name = string();
            } else {
                throw GIVE_UP;
            }
        } while (separator());
        if (type == null) {
            throw GIVE_UP;
        }
        return new LogSource(type, name);
    }

    /** Reads {@code "name":} (no escapes); returns the name's length. */
    private int name() {
        expect('"');
        int start = at;
        int end = text.indexOf('"', start);
        if (end < 0) {
            throw GIVE_UP;
        }
        for (int i = start; i < end; i++) {
            if (text.charAt(i) == '\\') {
                throw GIVE_UP;
            }
        }
        at = end + 1;
        expect(':');
        return end - start;
    }

    private void require(int nameStart, String name) {
        if (!text.startsWith(name, nameStart)) {
            throw GIVE_UP;
        }
    }

    /** After a member: true at {@code ,}, false at (and past) {@code }}. */
    private boolean separator() {
        if (at < length) {
            char c = text.charAt(at++);
            if (c == ',') {
                return true;
            }
            if (c == '}') {
                return false;
            }
        }
        throw GIVE_UP;
    }

    private void expect(char c) {
        if (at >= length || text.charAt(at) != c) {
            throw GIVE_UP;
        }
        at++;
    }

    private String string() {
        expect('"');
        int start = at;
        for (int i = start; i < length; i++) {
            char c = text.charAt(i);
            if (c == '"') {
                at = i + 1;
                return text.substring(start, i);
            }
            if (c == '\\') {
                return escapedString(start, i);
            }
            if (c < 0x20) {
                throw GIVE_UP;
            }
        }
        throw GIVE_UP;
    }

    private String escapedString(int start, int firstEscape) {
        StringBuilder out = new StringBuilder(firstEscape - start + 16);
        out.append(text, start, firstEscape);
        int i = firstEscape;
        while (i < length) {
            char c = text.charAt(i++);
            if (c == '"') {
                at = i;
                return out.toString();
            }
            if (c < 0x20 || i >= length && c == '\\') {
                throw GIVE_UP;
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char escape = text.charAt(i++);
            switch (escape) {
                case '"':
                case '\\':
                case '/':
                    out.append(escape);
                    break;
                case 'b':
                    out.append('\b');
                    break;
                case 'f':
                    out.append('\f');
                    break;
                case 'n':
                    out.append('\n');
                    break;
                case 'r':
                    out.append('\r');
                    break;
                case 't':
                    out.append('\t');
                    break;
                case 'u':
                    if (i + 4 > length) {
                        throw GIVE_UP;
                    }
                    int value = 0;
                    for (int end = i + 4; i < end; i++) {
                        int digit = Character.digit(text.charAt(i), 16);
                        if (digit < 0) {
                            throw GIVE_UP;
                        }
                        value = value * 16 + digit;
                    }
                    out.append((char) value);
                    break;
                default:
                    throw GIVE_UP;
            }
        }
        throw GIVE_UP;
    }

    /** A plain integer of at most 18 digits (no fraction, exponent or leading zeros). */
    private long number() {
        boolean negative = at < length && text.charAt(at) == '-';
        int start = negative ? ++at : at;
        long value = 0;
        while (at < length) {
            char c = text.charAt(at);
            if (c < '0' || c > '9') {
                break;
            }
            value = value * 10 + (c - '0');
            at++;
        }
        int digits = at - start;
        if (digits == 0 || digits > 18 || (digits > 1 && text.charAt(start) == '0')) {
            throw GIVE_UP;
        }
        if (at < length) {
            char c = text.charAt(at);
            if (c != ',' && c != '}') {
                throw GIVE_UP;
            }
        }
        return negative ? -value : value;
    }

    private boolean bool() {
        if (text.startsWith("true", at)) {
            at += 4;
            return true;
        }
        if (text.startsWith("false", at)) {
            at += 5;
            return false;
        }
        throw GIVE_UP;
    }
}

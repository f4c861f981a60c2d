package io.containerlogging.core.internal;

import io.containerlogging.core.LogFields;
import io.containerlogging.core.LogJson;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogSource;
import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * A parser for the common case of {@link LogJson#fromJson}: one compact JSON object with only
 * the {@link WireField}s, as {@link LogJson} writes it (any order). It reads the String in place,
 * without a {@code JsonReader} and its per-instance buffer, which dominated reloading files.
 * Anything else (whitespace, {@code null} values, unknown fields, numbers in other forms, invalid
 * values, missing required fields) makes it give up and return null, and {@link LogJson}'s gson
 * path then parses the text or reports why it is not a message. So it never accepts what gson
 * would reject, and gives the same message for what it accepts.
 *
 * <p>Not thread-safe; one instance per parse.
 */
public final class LogJsonFastParser {

    /** Thrown to give up; preallocated and stackless, so giving up is cheap. */
    private static final RuntimeException GIVE_UP = new RuntimeException("not the common form", null, false, false) {
    };

    private static final Pattern JSON_NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

    private final String text;
    private final int length;
    private int at;

    private LogJsonFastParser(String text) {
        this.text = text;
        this.length = text.length();
    }

    /** The message in {@code json}, or null if it is not in the common form. */
    public static LogMessage tryParse(String json) {
        try {
            return new LogJsonFastParser(json).message();
        } catch (RuntimeException e) { // GIVE_UP, or a value the model refuses (e.g. an unknown level)
            return null;
        }
    }

    private LogMessage message() {
        WireField.Draft draft = new WireField.Draft();
        expect('{');
        do {
            int nameStart = at + 1;
            WireField field = WireField.named(text, nameStart, name());
            if (field == null) {
                throw GIVE_UP;
            }
            switch (field.kind()) {
                case STRING:
                    draft.put(field, string());
                    break;
                case LONG:
                    draft.put(field, number());
                    break;
                case INT:
                    long value = number();
                    if (value != (int) value) {
                        throw GIVE_UP;
                    }
                    draft.put(field, (int) value);
                    break;
                case BOOLEAN:
                    draft.put(field, bool());
                    break;
                case TIME:
                    draft.put(field, Rfc3339.parse(string()));
                    break;
                case SOURCE:
                    draft.put(field, source());
                    break;
                case FIELDS:
                    draft.put(field, fields());
                    break;
                default:
                    throw GIVE_UP;
            }
        } while (separator());
        if (at != length) {
            throw GIVE_UP;
        }
        return draft.build(); // a required field missing: IllegalArgumentException, caught by tryParse
    }

    private LogSource source() {
        String[] values = SourceField.newValues();
        expect('{');
        do {
            int nameStart = at + 1;
            SourceField field = SourceField.named(text, nameStart, name());
            if (field == null) {
                throw GIVE_UP;
            }
            values[field.ordinal()] = string();
        } while (separator());
        return SourceField.toSource(values);
    }

    /** A flat object of scalars, as the encoders write {@link LogFields}; anything nested gives up. */
    private LogFields fields() {
        LogFields.Builder fields = LogFields.builder();
        expect('{');
        if (at < length && text.charAt(at) == '}') {
            at++;
            return fields.build();
        }
        do {
            String key = string();
            expect(':');
            if (at >= length) {
                throw GIVE_UP;
            }
            char c = text.charAt(at);
            if (c == '"') {
                fields.put(key, string());
            } else if (c == 't' || c == 'f') {
                fields.put(key, bool());
            } else if (c == '-' || (c >= '0' && c <= '9')) {
                fields.put(key, fieldNumber());
            } else {
                throw GIVE_UP;
            }
        } while (separator());
        return fields.build();
    }

    /** Any JSON number: a plain integer as a long, anything else through BigDecimal. */
    private Object fieldNumber() {
        int start = at;
        while (at < length && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
        String number = text.substring(start, at);
        if (at < length && text.charAt(at) != ',' && text.charAt(at) != '}') {
            throw GIVE_UP;
        }
        if (!JSON_NUMBER.matcher(number).matches()) {
            throw GIVE_UP;
        }
        return new BigDecimal(number);
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

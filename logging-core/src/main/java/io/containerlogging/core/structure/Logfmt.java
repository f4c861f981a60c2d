package io.containerlogging.core.structure;

import io.containerlogging.core.LogFields;

/**
 * The fields of a logfmt line ({@code ts=… level=info msg="listening" port=8080}), values as text.
 * Strict on purpose, so that prose is never taken for fields: the line must open with a
 * {@code key=} pair, every token must be a {@code key=value} pair (a value bare or double-quoted
 * with backslash escapes), and there must be at least two pairs; otherwise null.
 */
final class Logfmt {

    private final int maxFields;

    Logfmt(int maxFields) {
        this.maxFields = maxFields;
    }

    /** Whether the line could be logfmt: it opens with an identifier followed by {@code =}. */
    static boolean opensWithPair(String line) {
        int i = 0;
        int n = Math.min(line.length(), 64);
        while (i < n && keyChar(line.charAt(i))) {
            i++;
        }
        return i > 0 && i < n && line.charAt(i) == '=';
    }

    LogFields parse(String line) {
        LogFields.Builder fields = LogFields.builder();
        int n = line.length();
        int i = 0;
        int pairs = 0;
        StringBuilder value = new StringBuilder();
        while (i < n) {
            char c = line.charAt(i);
            if (c == ' ' || c == '\t') {
                i++;
                continue;
            }
            int keyStart = i;
            while (i < n && keyChar(line.charAt(i))) {
                i++;
            }
            if (i == keyStart || i >= n || line.charAt(i) != '=') {
                return null;
            }
            String key = line.substring(keyStart, i);
            i++;
            value.setLength(0);
            if (i < n && line.charAt(i) == '"') {
                i++;
                boolean closed = false;
                while (i < n) {
                    char v = line.charAt(i++);
                    if (v == '\\' && i < n) {
                        char escaped = line.charAt(i++);
                        value.append(escaped == 'n' ? '\n' : escaped == 't' ? '\t' : escaped);
                    } else if (v == '"') {
                        closed = true;
                        break;
                    } else {
                        value.append(v);
                    }
                }
                if (!closed || (i < n && line.charAt(i) != ' ' && line.charAt(i) != '\t')) {
                    return null;
                }
            } else {
                int valueStart = i;
                while (i < n && line.charAt(i) != ' ' && line.charAt(i) != '\t') {
                    if (line.charAt(i) == '"') {
                        return null;
                    }
                    i++;
                }
                value.append(line, valueStart, i);
            }
            pairs++;
            if (fields.size() < maxFields) {
                fields.put(key, value.toString());
            }
        }
        return pairs >= 2 ? fields.build() : null;
    }

    private static boolean keyChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.'
                || c == '-' || c == '@' || c == '/';
    }
}

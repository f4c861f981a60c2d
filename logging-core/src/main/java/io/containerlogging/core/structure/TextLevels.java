package io.containerlogging.core.structure;

import io.containerlogging.core.LogLevel;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The level a plain-text line names by convention, or null. Looks only at the head of the first
 * line (ANSI colour codes removed), in this order: a syslog {@code <PRI>}; klog's {@code E0806 …};
 * redis's {@code * # - .} markers; a stack-trace header ({@code Traceback …}, {@code Exception in
 * thread …}, {@code java.io.IOException: …}, Go's {@code fatal error:}); then, word by word over
 * the first {@value #MAX_WORDS} words, the first of
 * <ul>
 * <li>a level key with a value: {@code level=warn}, {@code lvl=eror}, {@code "level":"error"};
 * <li>an upper-case level word between delimiters: {@code ERROR}, {@code WARN }, {@code ERRO[0000]},
 *     postgres's {@code LOG:};
 * <li>a level word of any case in brackets: {@code [error]}, {@code [Warning]}, apache's
 *     {@code [core:warn]}, {@code <warn>};
 * <li>a level word of any case opening the line, followed by a colon: {@code error:}, {@code warning:},
 *     .NET's {@code fail:}.
 * </ul>
 * Lower-case words elsewhere never count, so "0 errors", "error_count=0" and "retrying after error"
 * name no level.
 */
final class TextLevels {

    static final int HEAD = 200;
    static final int MAX_WORDS = 10;

    // the first letters of every level word and level key (error, fatal, crit, panic, alert, severe,
    // system, warn, info, notice, debug, trace, verbose, log, level, lvl, severity, priority, …)
    private static final String LEVEL_INITIALS = "EeFfCcPpAaSsWwIiNnDdTtVvLl";

    private static final Pattern REDIS = Pattern.compile(
            "\\d{1,8}:[CMSX] \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2}\\.\\d{3} ([*#.-]) ");

    private static final Map<String, LogLevel> UPPER = Map.ofEntries(
            Map.entry("ERROR", LogLevel.ERROR), Map.entry("ERR", LogLevel.ERROR), Map.entry("ERRO", LogLevel.ERROR),
            Map.entry("FATAL", LogLevel.ERROR), Map.entry("FATA", LogLevel.ERROR),
            Map.entry("CRITICAL", LogLevel.ERROR), Map.entry("CRIT", LogLevel.ERROR),
            Map.entry("PANIC", LogLevel.ERROR), Map.entry("PANI", LogLevel.ERROR), Map.entry("EMERG", LogLevel.ERROR),
            Map.entry("EMERGENCY", LogLevel.ERROR), Map.entry("ALERT", LogLevel.ERROR),
            Map.entry("SEVERE", LogLevel.ERROR),
            Map.entry("WARN", LogLevel.WARN), Map.entry("WARNING", LogLevel.WARN), Map.entry("WRN", LogLevel.WARN),
            Map.entry("INFO", LogLevel.INFO), Map.entry("INF", LogLevel.INFO), Map.entry("NOTICE", LogLevel.INFO),
            Map.entry("DEBUG", LogLevel.DEBUG), Map.entry("DEBU", LogLevel.DEBUG), Map.entry("DBG", LogLevel.DEBUG),
            Map.entry("TRACE", LogLevel.DEBUG), Map.entry("TRAC", LogLevel.DEBUG), Map.entry("TRC", LogLevel.DEBUG),
            Map.entry("VERBOSE", LogLevel.DEBUG), Map.entry("FINE", LogLevel.DEBUG), Map.entry("FINER", LogLevel.DEBUG),
            Map.entry("FINEST", LogLevel.DEBUG), Map.entry("DEBUG1", LogLevel.DEBUG),
            Map.entry("DEBUG2", LogLevel.DEBUG), Map.entry("DEBUG3", LogLevel.DEBUG),
            Map.entry("DEBUG4", LogLevel.DEBUG), Map.entry("DEBUG5", LogLevel.DEBUG));

    private TextLevels() {
    }

    static LogLevel detect(String text) {
        int end = Math.min(text.length(), HEAD);
        String head = text;
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                end = i;
                break;
            }
            if (c == '\u001b') {
                head = stripAnsi(text, Math.min(text.length(), HEAD));
                end = head.indexOf('\n') >= 0 ? head.indexOf('\n') : head.length();
                break;
            }
        }
        int start = 0;
        while (start < end && (head.charAt(start) == ' ' || head.charAt(start) == '\t')) {
            start++;
        }
        if (start >= end) {
            return null;
        }
        LogLevel level = prefixed(head, start, end);
        return level != null ? level : words(head, start, end);
    }

    /** The conventions recognised by how the line begins. */
    private static LogLevel prefixed(String head, int start, int end) {
        char first = head.charAt(start);
        if (first == '<') {
            int close = head.indexOf('>', start);
            if (close > start + 1 && close <= start + 4 && close < end && digits(head, start + 1, close)) {
                return Levels.syslogSeverity(Integer.parseInt(head, start + 1, close, 10) % 8);
            }
        }
        if (end - start >= 14 && "IWEF".indexOf(first) >= 0 && digits(head, start + 1, start + 5)
                && head.charAt(start + 5) == ' ' && digits(head, start + 6, start + 8) && head.charAt(start + 8) == ':') {
            return first == 'I' ? LogLevel.INFO : first == 'W' ? LogLevel.WARN : LogLevel.ERROR;
        }
        if (first >= '0' && first <= '9') {
            if (!redisShaped(head, start, end)) { // most lines starting with a digit: no Matcher made
                return null;
            }
            var redis = REDIS.matcher(head).region(start, end);
            if (redis.lookingAt()) {
                char marker = head.charAt(redis.start(1));
                return marker == '#' ? LogLevel.WARN : marker == '*' ? LogLevel.INFO : LogLevel.DEBUG;
            }
            return null;
        }
        if (head.startsWith("Traceback (most recent call last):", start)
                || head.startsWith("Exception in thread ", start) || head.startsWith("fatal error: ", start)
                || exceptionHeader(head, start, end)) {
            return LogLevel.ERROR;
        }
        return null;
    }

    /** Whether the line opens as Redis's do: up to 8 digits, a colon, a role letter and a space. */
    private static boolean redisShaped(String head, int start, int end) {
        int i = start;
        while (i < end && i - start < 9 && head.charAt(i) >= '0' && head.charAt(i) <= '9') {
            i++;
        }
        return i - start <= 8 && i + 2 < end && head.charAt(i) == ':' && "CMSX".indexOf(head.charAt(i + 1)) >= 0
                && head.charAt(i + 2) == ' ';
    }

    /**
     * Whether the line opens with a qualified throwable name followed by a colon or nothing:
     * {@code java.lang.IllegalStateException: boom}, {@code ValueError: bad}.
     */
    static boolean exceptionHeader(String head, int start, int end) {
        int i = start;
        while (i < end) {
            char c = head.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '$')) {
                break;
            }
            i++;
        }
        if (i == start || !(i == end || head.charAt(i) == ':')) {
            return false;
        }
        boolean qualified = head.lastIndexOf('.', i) >= start;
        boolean capital = Character.isUpperCase(head.charAt(qualified ? head.lastIndexOf('.', i) + 1 : start));
        return capital && (endsWith(head, i, "Exception") || endsWith(head, i, "Error") && (qualified || i - start > 5)
                || endsWith(head, i, "Throwable"));
    }

    private static LogLevel words(String head, int start, int end) {
        int pos = start;
        int words = 0;
        while (pos < end && words < MAX_WORDS) {
            if (!letter(head.charAt(pos))) {
                pos++;
                continue;
            }
            int from = pos;
            while (pos < end && letter(head.charAt(pos))) {
                pos++;
            }
            int to = pos; // letters end here; digits may follow (DEBUG1, trace2)
            while (to < end && to - from < 12 && head.charAt(to) >= '0' && head.charAt(to) <= '9') {
                to++;
            }
            words++;
            LogLevel level = word(head, start, end, from, pos, to);
            if (level != null) {
                return level;
            }
            pos = to;
        }
        return null;
    }

    private static LogLevel word(String head, int start, int end, int from, int lettersEnd, int to) {
        char before = from == start ? ' ' : head.charAt(from - 1);
        char after = to >= end ? ' ' : head.charAt(to);
        int length = to - from;
        if (after == ':' && length > 7 && head.startsWith("Warning", to - 7) && Character.isUpperCase(head.charAt(from))) {
            return LogLevel.WARN; // DeprecationWarning: …, UserWarning: … (Python, Node)
        }
        if (length > 9 || LEVEL_INITIALS.indexOf(head.charAt(from)) < 0) {
            return null; // no level word or level key starts so: spare the substring
        }
        String word = head.substring(from, to);
        if (after == '=' || after == '"' || after == ':') {
            LogLevel keyed = keyValue(head, end, word, after, to);
            if (keyed != null) {
                return keyed;
            }
        }
        if (upper(head, from, lettersEnd) && length >= 3 && openDelimiter(before) && closeDelimiter(after)) {
            if (word.equals("LOG")) {
                return after == ':' ? LogLevel.INFO : null;
            }
            LogLevel level = UPPER.get(word);
            if (level != null) {
                return level;
            }
        }
        if ((before == '[' || before == ':' && inBracket(head, start, from)) && after == ']'
                || before == '<' && after == '>') {
            if (word.equalsIgnoreCase("system")) {
                return LogLevel.INFO; // MySQL's [System]
            }
            if (length >= 3 || upper(head, from, lettersEnd)) {
                return Levels.word(word);
            }
        }
        if (after == ':' && length >= 3 && (from == start || onlyTimestampBefore(head, start, from))) {
            return Levels.word(word); // error: …, warning: …, .NET's fail: …, winston's "<time> warn: …"
        }
        return null;
    }

    /** {@code level=warn}, {@code "level":"warn"}, {@code level: warn}. */
    private static LogLevel keyValue(String head, int end, String key, char after, int to) {
        if (!Levels.isKey(key)) {
            return null;
        }
        int i = to;
        if (after == '"') {
            i++;
        }
        if (i < end && (head.charAt(i) == '=' || head.charAt(i) == ':')) {
            i++;
        } else {
            return null;
        }
        while (i < end && (head.charAt(i) == ' ' || head.charAt(i) == '"' || head.charAt(i) == '\'')) {
            i++;
        }
        int valueStart = i;
        while (i < end && i - valueStart < 12 && Character.isLetterOrDigit(head.charAt(i))) {
            i++;
        }
        return i == valueStart ? null : Levels.value(head.substring(valueStart, i));
    }

    /** Whether only an ISO or slash-separated timestamp precedes {@code from}. */
    private static boolean onlyTimestampBefore(String head, int start, int from) {
        if (!(head.charAt(start) >= '0' && head.charAt(start) <= '9')) {
            return false;
        }
        for (int i = start; i < from; i++) {
            char c = head.charAt(i);
            if (!((c >= '0' && c <= '9') || c == '-' || c == ':' || c == '.' || c == ',' || c == 'T' || c == 'Z'
                    || c == '+' || c == '/' || c == ' ')) {
                return false;
            }
        }
        return true;
    }

    private static boolean inBracket(String head, int start, int from) {
        for (int i = from - 1; i >= start && from - i < 32; i--) {
            char c = head.charAt(i);
            if (c == '[') {
                return true;
            }
            if (c == ']' || c == ' ') {
                return false;
            }
        }
        return false;
    }

    private static boolean openDelimiter(char c) {
        return c == ' ' || c == '\t' || c == '[' || c == '(' || c == '<' || c == '|' || c == '"' || c == '\''
                || c == '{';
    }

    private static boolean closeDelimiter(char c) {
        return c == ' ' || c == '\t' || c == ']' || c == ')' || c == '>' || c == '|' || c == ':' || c == ','
                || c == '[' || c == '"' || c == '\'' || c == ';' || c == '/';
    }

    private static boolean letter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean upper(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < 'A' || c > 'Z') {
                return false;
            }
        }
        return true;
    }

    private static boolean digits(String s, int from, int to) {
        if (to > s.length()) {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean endsWith(String s, int end, String suffix) {
        return end >= suffix.length() && s.startsWith(suffix, end - suffix.length());
    }

    /** The first {@code limit} characters without ANSI CSI sequences ({@code ESC [ … letter}). */
    static String stripAnsi(String text, int limit) {
        StringBuilder out = new StringBuilder(limit);
        for (int i = 0; i < limit; i++) {
            char c = text.charAt(i);
            if (c == '\u001b' && i + 1 < limit && text.charAt(i + 1) == '[') {
                int j = i + 2;
                while (j < limit && !letter(text.charAt(j))) {
                    j++;
                }
                i = j; // skips the final letter too
                continue;
            }
            out.append(c);
        }
        return out.toString();
    }
}

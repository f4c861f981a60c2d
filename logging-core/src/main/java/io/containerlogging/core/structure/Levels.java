package io.containerlogging.core.structure;

import io.containerlogging.core.LogFields;
import io.containerlogging.core.LogLevel;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Level names and level keys: which words name a level, and which keys of a JSON or logfmt line
 * hold one. Fatal, critical, panic, emergency and alert map to error; trace and verbose to debug;
 * notice to info.
 */
final class Levels {

    private static final Map<String, LogLevel> WORDS = new HashMap<>();

    static {
        for (String w : new String[] {"error", "err", "erro", "eror", "fatal", "fata", "critical", "crit", "panic",
                "pani", "emerg", "emergency", "alert", "severe", "fail", "failure", "dpanic", "e", "f"}) {
            WORDS.put(w, LogLevel.ERROR);
        }
        for (String w : new String[] {"warn", "warning", "wrn", "w"}) {
            WORDS.put(w, LogLevel.WARN);
        }
        for (String w : new String[] {"info", "inf", "information", "informational", "notice", "note", "log", "i"}) {
            WORDS.put(w, LogLevel.INFO);
        }
        for (String w : new String[] {"debug", "debu", "dbg", "dbug", "trace", "trac", "trc", "trce", "verbose",
                "fine", "finer", "finest", "d", "d1", "d2", "d3", "d4", "d5", "debug1", "debug2", "debug3",
                "debug4", "debug5", "trace1", "trace2", "trace3", "trace4", "trace5", "trace6", "trace7", "trace8"}) {
            WORDS.put(w, LogLevel.DEBUG);
        }
    }

    /** Keys holding a level name or number, most specific first; compared case-insensitively. */
    private static final String[] KEYS = {"level", "lvl", "severity", "@l", "log.level", "loglevel", "log_level",
        "levelname", "level_name", "severity_text", "severitytext", "@level", "log.severity", "priority"};

    private Levels() {
    }

    /** The level a word names (any case), or null. */
    static LogLevel word(String word) {
        if (word.isEmpty() || word.length() > 13) {
            return null;
        }
        LogLevel level = WORDS.get(word);
        return level != null ? level : WORDS.get(word.toLowerCase(Locale.ROOT));
    }

    /** Whether {@code key} (any case) is one of the level keys. */
    static boolean isKey(String key) {
        for (String known : KEYS) {
            if (known.equalsIgnoreCase(key)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The level named by the fields of a structured line, or null: the first level key whose value
     * is a level word or number; MongoDB's {@code "s"} severity letter; Serilog's compact format,
     * which leaves out {@code @l} for information; OpenTelemetry's {@code severity_number}.
     */
    static LogLevel fromFields(LogFields fields) {
        for (int i = 0; i < fields.size(); i++) {
            String key = fields.key(i);
            if (isKey(key)) {
                LogLevel level = value(fields.value(i));
                if (level != null) {
                    return level;
                }
            }
        }
        Object mongo = fields.get("s");
        if (mongo instanceof String s && s.length() <= 2 && fields.get("msg") != null) {
            LogLevel level = word(s);
            if (level != null) {
                return level;
            }
        }
        Object otel = fields.get("severity_number");
        if (otel == null) {
            otel = fields.get("SeverityNumber");
        }
        if (otel instanceof Long n && n >= 1 && n <= 24) {
            return n >= 17 ? LogLevel.ERROR : n >= 13 ? LogLevel.WARN : n >= 9 ? LogLevel.INFO : LogLevel.DEBUG;
        }
        if (fields.get("@t") != null && (fields.get("@mt") != null || fields.get("@m") != null)) {
            return LogLevel.INFO; // Serilog compact JSON: no @l means Information
        }
        return null;
    }

    /**
     * A level value: a word, or a number as pino and bunyan write them (10 trace, 20 debug, 30 info,
     * 40 warn, 50 error, 60 fatal) or as syslog priorities (0-7) do.
     */
    static LogLevel value(Object value) {
        if (value instanceof String s) {
            LogLevel level = word(leadingWord(s.trim()));
            if (level == null && !s.isEmpty() && Character.isDigit(s.charAt(0))) {
                try {
                    return number(Long.parseLong(s.trim()));
                } catch (NumberFormatException notANumber) {
                    return null;
                }
            }
            return level;
        }
        if (value instanceof Long n) {
            return number(n);
        }
        return null;
    }

    /** The leading letters and digits: slog's {@code WARN+2} names warn. */
    private static String leadingWord(String s) {
        int i = 0;
        while (i < s.length() && Character.isLetterOrDigit(s.charAt(i))) {
            i++;
        }
        return i == s.length() ? s : s.substring(0, i);
    }

    private static LogLevel number(long n) {
        if (n >= 10 && n <= 100) {
            return n >= 50 ? LogLevel.ERROR : n >= 40 ? LogLevel.WARN : n >= 30 ? LogLevel.INFO : LogLevel.DEBUG;
        }
        if (n >= 0 && n <= 7) {
            return syslogSeverity((int) n);
        }
        return null;
    }

    /** A syslog severity (0 emergency … 7 debug). */
    static LogLevel syslogSeverity(int severity) {
        return severity <= 3 ? LogLevel.ERROR : severity == 4 ? LogLevel.WARN : severity <= 6 ? LogLevel.INFO
                : LogLevel.DEBUG;
    }
}

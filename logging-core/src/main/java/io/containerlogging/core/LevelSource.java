package io.containerlogging.core;

import java.util.Locale;

/**
 * Why a {@link LogMessage} has its {@link LogLevel}. On the wire (the JSON {@code levelSource}
 * field) it is the lowercase name: {@code stream}, {@code json}, {@code logfmt}, {@code text},
 * {@code explicit}.
 */
public enum LevelSource {
    /** Nothing in the line named a level, so its stream decided: stdout {@code info}, stderr {@code error}. */
    STREAM,
    /** A level key of a JSON line, such as {@code "level":"warn"} or pino's {@code "level":40}. */
    JSON,
    /** A level key of a logfmt line, such as {@code level=warn}. */
    LOGFMT,
    /** A plain-text convention, such as {@code [ERROR]}, klog's {@code E0806} or {@code WARN } at the start. */
    TEXT,
    /** Whoever logged the message chose the level: system and manager messages, and host applications. */
    EXPLICIT;

    private final String wireName = name().toLowerCase(Locale.ROOT);

    /** The lowercase name used in JSON. */
    public String wireName() {
        return wireName;
    }

    /**
     * Parses a wire name.
     *
     * @throws NullPointerException if {@code value} is null
     * @throws IllegalArgumentException if {@code value} is not one of the five lowercase names
     */
    public static LevelSource fromWireName(String value) {
        switch (value) {
            case "stream":
                return STREAM;
            case "json":
                return JSON;
            case "logfmt":
                return LOGFMT;
            case "text":
                return TEXT;
            case "explicit":
                return EXPLICIT;
            default:
                throw new IllegalArgumentException("unknown level source '" + value
                        + "' (expected stream, json, logfmt, text or explicit)");
        }
    }
}

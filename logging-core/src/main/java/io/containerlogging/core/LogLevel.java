package io.containerlogging.core;

import java.util.Locale;

/**
 * Severity of a {@link LogMessage}. On the wire (JSON, query parameters) a level is its lowercase
 * name: {@code debug}, {@code info}, {@code warn}, {@code error}.
 *
 * <p>Container stdout is stored as {@link #INFO}, stderr as {@link #ERROR}.
 */
public enum LogLevel {
    DEBUG,
    INFO,
    WARN,
    ERROR;

    private final String wireName = name().toLowerCase(Locale.ROOT);

    /** The lowercase name used in JSON and query parameters. */
    public String wireName() {
        return wireName;
    }

    /**
     * Parses a wire name.
     *
     * @throws NullPointerException if {@code value} is null
     * @throws IllegalArgumentException if {@code value} is not one of the four lowercase names
     */
    public static LogLevel fromWireName(String value) {
        switch (value) {
            case "debug":
                return DEBUG;
            case "info":
                return INFO;
            case "warn":
                return WARN;
            case "error":
                return ERROR;
            default:
                throw new IllegalArgumentException(
                        "unknown log level '" + value + "' (expected debug, info, warn or error)");
        }
    }
}

package io.containerlogging.core;

import java.util.Locale;

/**
 * Where a {@link LogMessage} came from. On the wire a source type is its lowercase name:
 * {@code container}, {@code system}, {@code manager}.
 */
public enum SourceType {
    /** A line a Docker container wrote to stdout or stderr. */
    CONTAINER,
    /** An event of the logging system or its host: startup, shutdown, errors. */
    SYSTEM,
    /** An event of the container manager that embeds the library: reconciliation, state changes. */
    MANAGER;

    private final String wireName = name().toLowerCase(Locale.ROOT);

    /** The lowercase name used in JSON and query parameters. */
    public String wireName() {
        return wireName;
    }

    /**
     * Parses a wire name.
     *
     * @throws NullPointerException if {@code value} is null
     * @throws IllegalArgumentException if {@code value} is not one of the three lowercase names
     */
    public static SourceType fromWireName(String value) {
        switch (value) {
            case "container":
                return CONTAINER;
            case "system":
                return SYSTEM;
            case "manager":
                return MANAGER;
            default:
                throw new IllegalArgumentException(
                        "unknown source type '" + value + "' (expected container, system or manager)");
        }
    }
}

package io.containerlogging.core;

import java.util.Objects;

/**
 * The origin of a {@link LogMessage}: its {@link SourceType} and a name (the service name for a
 * container, the component name for system and manager events).
 *
 * @param type the kind of source, never null
 * @param name a human-readable name; may be null, and is then omitted from JSON
 */
public record LogSource(SourceType type, String name) {

    /** The source of messages written by {@code logSystemMessage}. */
    public static final LogSource SYSTEM = new LogSource(SourceType.SYSTEM, "system");

    /** The source of messages written by {@code logManagerEvent}. */
    public static final LogSource MANAGER = new LogSource(SourceType.MANAGER, "manager");

    public LogSource {
        Objects.requireNonNull(type, "type");
    }

    /** A container source named after its service. */
    public static LogSource container(String serviceName) {
        return new LogSource(SourceType.CONTAINER, serviceName);
    }
}

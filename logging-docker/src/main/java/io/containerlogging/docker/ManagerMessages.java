package io.containerlogging.docker;

import com.google.gson.JsonElement;
import com.google.gson.stream.JsonWriter;
import io.containerlogging.core.AttachedContainer;
import io.containerlogging.core.LogBackend;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.structure.StructureStage;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The host's system messages and the container manager's events, stored straight into the backend
 * with the monitor's clock. A manager event's text is its name, then its details as one JSON object
 * written by gson, and the details also as the message's fields (nested keys as dotted paths) so
 * that manager events are filtered like structured container lines; optionally, every attach and
 * detach is recorded as such an event. Redaction rules apply to both kinds of message.
 *
 * <p>Thread-safety: thread-safe (the backend is).
 */
final class ManagerMessages {

    private final LogBackend backend;
    private final Clock clock;
    private final boolean lifecycleEvents;
    private final StructureStage stage;

    ManagerMessages(LogBackend backend, Clock clock, boolean lifecycleEvents, StructureStage stage) {
        this.backend = backend;
        this.clock = clock;
        this.lifecycleEvents = lifecycleEvents;
        this.stage = stage;
    }

    void system(String message, LogLevel level) {
        backend.log(stage.apply(LogMessage.system(message, level, clock.instant())));
    }

    void managerEvent(String event, Map<String, ?> details, LogLevel level) {
        LogMessage message;
        if (details == null || details.isEmpty()) {
            message = LogMessage.manager(event, level, clock.instant());
        } else {
            String json = detailsJson(details);
            message = LogMessage.manager(event + " " + json, level, clock.instant()).toBuilder()
                    .fields(StructureStage.jsonFields(json)).build();
        }
        backend.log(stage.apply(message));
    }

    /** If lifecycle events are on, records {@code container-attached}. */
    void attached(AttachedContainer container) {
        lifecycleEvent("container-attached", container, null);
    }

    /** If lifecycle events are on, records {@code container-detached}, with reason "removed" if it is gone. */
    void detached(AttachedContainer container, boolean removed) {
        lifecycleEvent("container-detached", container, removed ? "removed" : null);
    }

    private void lifecycleEvent(String event, AttachedContainer container, String reason) {
        if (!lifecycleEvents) {
            return;
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("containerId", container.containerId());
        details.put("serviceName", container.serviceName());
        if (container.serviceId() != null) {
            details.put("serviceId", container.serviceId());
        }
        if (reason != null) {
            details.put("reason", reason);
        }
        managerEvent(event, details, LogLevel.INFO);
    }

    /**
     * Details as JSON: maps (keys as strings), collections, strings, characters, booleans and
     * null (null values kept); numbers as written, except NaN and infinities, which JSON has no
     * numbers for, as strings; anything else as its {@code toString()}, never by reflection on
     * its fields. Written with gson's streaming writer: a {@code Gson} instance would load a
     * hundred classes into every process that embeds the monitor, for a message most never log.
     */
    static String detailsJson(Map<String, ?> details) {
        StringWriter text = new StringWriter();
        try (JsonWriter out = new JsonWriter(text)) {
            out.setSerializeNulls(true);
            out.setHtmlSafe(false);
            write(out, details);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return text.toString();
    }

    private static void write(JsonWriter out, Object value) throws IOException {
        if (value == null) {
            out.nullValue();
        } else if (value instanceof Map<?, ?> map) {
            out.beginObject();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                out.name(String.valueOf(entry.getKey()));
                write(out, entry.getValue());
            }
            out.endObject();
        } else if (value instanceof Collection<?> collection) {
            out.beginArray();
            for (Object element : collection) {
                write(out, element);
            }
            out.endArray();
        } else if (value instanceof Boolean bool) {
            out.value(bool);
        } else if (value instanceof Number number) {
            double d = number.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                out.value(number.toString());
            } else {
                out.value(number);
            }
        } else if (value instanceof JsonElement element) {
            out.jsonValue(element.toString());
        } else {
            out.value(value.toString()); // strings and characters, and what is neither of the above
        }
    }
}

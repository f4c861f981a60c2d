package io.containerlogging.docker;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.TypeAdapter;
import com.google.gson.TypeAdapterFactory;
import com.google.gson.reflect.TypeToken;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonWriter;
import io.containerlogging.core.AttachedContainer;
import io.containerlogging.core.LogBackend;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.structure.StructureStage;
import java.io.IOException;
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

    /**
     * Details as JSON: maps, collections, strings, booleans and null as gson writes them (null
     * values kept); numbers as written, except NaN and infinities, which JSON has no numbers for,
     * as strings; anything else as its {@code toString()}, never by reflection on its fields.
     */
    private static final Gson DETAILS = new GsonBuilder()
            .serializeNulls()
            .disableHtmlEscaping()
            .registerTypeAdapterFactory(new PlainValues())
            .create();

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
            String json = DETAILS.toJson(details);
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
     * Leaves maps, collections, strings, booleans and characters to gson; writes numbers and
     * everything else itself (see {@link #DETAILS}). Write-only: details are never read back.
     */
    private static final class PlainValues implements TypeAdapterFactory {
        @Override
        @SuppressWarnings("unchecked")
        public <T> TypeAdapter<T> create(Gson gson, TypeToken<T> type) {
            Class<? super T> raw = type.getRawType();
            if (Number.class.isAssignableFrom(raw)) {
                return (TypeAdapter<T>) NUMBER;
            }
            if (raw == Object.class || raw == String.class || raw == Boolean.class || raw == Character.class
                    || raw.isPrimitive() || Map.class.isAssignableFrom(raw)
                    || Collection.class.isAssignableFrom(raw) || JsonElement.class.isAssignableFrom(raw)) {
                return null; // gson's own; Object dispatches on each value's runtime type
            }
            return (TypeAdapter<T>) TO_STRING;
        }

        private static final TypeAdapter<Number> NUMBER = new WriteOnly<>() {
            @Override
            public void write(JsonWriter out, Number number) throws IOException {
                if (number == null) {
                    out.nullValue();
                    return;
                }
                double d = number.doubleValue();
                if (Double.isNaN(d) || Double.isInfinite(d)) {
                    out.value(number.toString());
                } else {
                    out.value(number);
                }
            }
        };

        private static final TypeAdapter<Object> TO_STRING = new WriteOnly<>() {
            @Override
            public void write(JsonWriter out, Object value) throws IOException {
                if (value == null) {
                    out.nullValue();
                } else {
                    out.value(value.toString());
                }
            }
        };
    }

    private abstract static class WriteOnly<T> extends TypeAdapter<T> {
        @Override
        public T read(JsonReader in) {
            throw new UnsupportedOperationException("manager event details are written, never read");
        }
    }
}

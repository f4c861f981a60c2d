package io.containerlogging.opensearch;

import io.containerlogging.core.LogFields;
import io.containerlogging.core.LogId;
import io.containerlogging.core.LogJson;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogSource;
import io.containerlogging.core.internal.SourceField;
import io.containerlogging.core.internal.WireField;
import jakarta.json.stream.JsonGenerator;
import java.math.BigDecimal;
import org.opensearch.client.json.JsonpMapper;
import org.opensearch.client.json.JsonpSerializable;

/**
 * One stored message as an OpenSearch document: the fields of the {@link LogJson} wire format, in
 * its order ({@link WireField}; so a hit's source reads back with {@link LogJson#fromJson(String)}),
 * plus, after the id, {@code seq}, the numeric id for sorting and the {@code afterId} cursor, and
 * {@code seqSlot}, the device slot of that id (see {@link LogSequence}), and after the fields,
 * {@code fieldValues}, the keywords field filters match ({@link TextFilterQueries}). Written straight to the client's generator: no
 * intermediate tree, no reflection. The mapping is {@code index-mapping.json} next to this class.
 *
 * <p>A message forwarded from a device ({@link #forwarded}) keeps the device's own id, so its
 * {@code seq} is the device's sequence number: unique per device, not across a fleet. It has no
 * {@code seqSlot} (its number did not come from a {@link LogSequence}, so no backend may continue
 * after it), and its document id is {@link #forwardedId}, the device id and the log id.
 */
final class LogDocument implements JsonpSerializable {

    static final String SEQ = "seq";
    static final String SEQ_SLOT = "seqSlot";

    /** Stands for a missing or empty device id in {@link #forwardedId}. */
    static final String NO_DEVICE = "-";

    private final LogMessage message;
    private final long sequence;
    private final boolean withSlot;

    LogDocument(LogMessage message, long sequence) {
        this(message, sequence, true);
    }

    private LogDocument(LogMessage message, long sequence, boolean withSlot) {
        this.message = message;
        this.sequence = sequence;
        this.withSlot = withSlot;
    }

    /** The document of a message forwarded from a device: its own id, no {@code seqSlot}. */
    static LogDocument forwarded(LogMessage message) {
        return new LogDocument(message, LogId.sequence(message.id()), false);
    }

    /**
     * The document id of a forwarded message, {@code <deviceId>:<id>} ({@code -:<id>} without a
     * device id): the same message delivered again overwrites its document, and two devices
     * with the same log id do not. Unambiguous, since a log id holds no ':'.
     */
    static String forwardedId(LogMessage message) {
        String device = message.deviceId();
        return (device == null || device.isEmpty() ? NO_DEVICE : device) + ":" + message.id();
    }

    @Override
    public void serialize(JsonGenerator out, JsonpMapper mapper) {
        out.writeStartObject();
        for (WireField field : WireField.inOrder()) {
            switch (field.kind()) {
                case STRING: {
                    String value = field.string(message);
                    if (value != null) {
                        out.write(field.jsonName(), value);
                    }
                    break;
                }
                case LONG:
                    out.write(field.jsonName(), field.number(message));
                    break;
                case INT: {
                    Integer value = field.integer(message);
                    if (value != null) {
                        out.write(field.jsonName(), value.intValue());
                    }
                    break;
                }
                case BOOLEAN:
                    out.write(field.jsonName(), field.bool(message));
                    break;
                case TIME:
                    out.write(field.jsonName(), LogJson.formatTime(field.time(message)));
                    break;
                case SOURCE:
                    writeSource(out, field.jsonName(), field.source(message));
                    break;
                case FIELDS: {
                    LogFields fields = field.fields(message);
                    if (fields != null) {
                        writeFields(out, field.jsonName(), fields);
                        if (!fields.isEmpty()) {
                            writeFieldValues(out, fields);
                        }
                    }
                    break;
                }
                default:
                    throw new AssertionError(field.kind());
            }
            if (field == WireField.ID) {
                // The document's own fields, right after the id they encode.
                out.write(SEQ, sequence);
                if (withSlot) {
                    out.write(SEQ_SLOT, LogSequence.slotOfSequence(sequence));
                }
            }
        }
        out.writeEnd();
    }

    private static void writeFields(JsonGenerator out, String name, LogFields fields) {
        out.writeStartObject(name);
        for (int i = 0, n = fields.size(); i < n; i++) {
            Object value = fields.value(i);
            if (value instanceof String) {
                out.write(fields.key(i), (String) value);
            } else if (value instanceof Boolean) {
                out.write(fields.key(i), (Boolean) value);
            } else if (value instanceof Long) {
                out.write(fields.key(i), (Long) value);
            } else {
                out.write(fields.key(i), (BigDecimal) value);
            }
        }
        out.writeEnd();
    }

    /** The fields again, as the keywords {@link TextFilterQueries#FIELD_VALUES} filters on. */
    private static void writeFieldValues(JsonGenerator out, LogFields fields) {
        out.writeStartArray(TextFilterQueries.FIELD_VALUES);
        for (int i = 0, n = fields.size(); i < n; i++) {
            String entry = TextFilterQueries.fieldEntry(fields.key(i), LogFields.textOf(fields.value(i)));
            if (entry != null) {
                out.write(entry);
            }
        }
        out.writeEnd();
    }

    private static void writeSource(JsonGenerator out, String name, LogSource source) {
        out.writeStartObject(name);
        for (SourceField field : SourceField.inOrder()) {
            String value = field.string(source);
            if (value != null) {
                out.write(field.jsonName(), value);
            }
        }
        out.writeEnd();
    }
}

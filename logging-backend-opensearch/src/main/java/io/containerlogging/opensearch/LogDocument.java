package io.containerlogging.opensearch;

import io.containerlogging.core.LogJson;
import io.containerlogging.core.LogMessage;
import jakarta.json.stream.JsonGenerator;
import org.opensearch.client.json.JsonpMapper;
import org.opensearch.client.json.JsonpSerializable;

/**
 * One stored message as an OpenSearch document: the fields and names of the {@link LogJson} wire
 * format (so a hit's source reads back with {@link LogJson#fromJson(String)}), plus {@code seq},
 * the numeric id for sorting and the {@code afterId} cursor, and {@code seqSlot}, the device slot
 * of that id (see {@link LogSequence}). Written straight to the client's generator: no
 * intermediate tree, no reflection. The mapping is {@code index-mapping.json} next to this class.
 */
final class LogDocument implements JsonpSerializable {

    static final String SEQ = "seq";
    static final String SEQ_SLOT = "seqSlot";

    private final LogMessage message;
    private final long sequence;

    LogDocument(LogMessage message, long sequence) {
        this.message = message;
        this.sequence = sequence;
    }

    @Override
    public void serialize(JsonGenerator out, JsonpMapper mapper) {
        out.writeStartObject();
        out.write("id", message.id());
        out.write(SEQ, sequence);
        out.write(SEQ_SLOT, LogSequence.slotOfSequence(sequence));
        out.write("message", message.message());
        out.write("timestamp", message.timestampMillis());
        out.write(LogJson.TIME_FIELD, LogJson.formatTime(message.timestamp()));
        out.write("level", message.level().wireName());
        out.writeStartObject("source");
        out.write("type", message.source().type().wireName());
        if (message.source().name() != null) {
            out.write("name", message.source().name());
        }
        out.writeEnd();
        if (message.serviceId() != null) {
            out.write("serviceId", message.serviceId());
        }
        if (message.serviceName() != null) {
            out.write("serviceName", message.serviceName());
        }
        if (message.containerId() != null) {
            out.write("containerId", message.containerId());
        }
        if (message.deviceId() != null) {
            out.write("deviceId", message.deviceId());
        }
        out.write("isStdErr", message.isStdErr());
        out.write("isSystem", message.isSystem());
        out.writeEnd();
    }
}

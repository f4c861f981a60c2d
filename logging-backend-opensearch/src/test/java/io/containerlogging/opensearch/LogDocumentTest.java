package io.containerlogging.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.containerlogging.core.LevelSource;
import io.containerlogging.core.LogFields;
import io.containerlogging.core.LogJson;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogSource;
import io.containerlogging.core.internal.WireField;
import jakarta.json.stream.JsonGenerator;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.opensearch.client.json.JsonpMapper;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;

class LogDocumentTest {

    private static String serialize(LogMessage message, long sequence) {
        JsonpMapper mapper = new JacksonJsonpMapper();
        StringWriter json = new StringWriter();
        try (JsonGenerator out = mapper.jsonProvider().createGenerator(json)) {
            new LogDocument(message, sequence).serialize(out, mapper);
        }
        return json.toString();
    }

    @Test
    @DisplayName("writes the wire format's fields in its order, with seq and seqSlot after the id, and reads back")
    void followsTheWireFormat() {
        LogMessage message = LogMessage.builder().id("log-5").message("m \"q\"").level(LogLevel.WARN)
                .timestamp(Instant.parse("2026-11-24T10:00:00.123456789Z")).source(LogSource.container("web"))
                .serviceId(3).serviceName("web").containerId("c1").deviceId("pi-07").stdErr(true)
                .levelSource(LevelSource.JSON).fields(LogFields.builder().put("msg", "m").put("http.status", 500L)
                        .put("ratio", new BigDecimal("0.5")).put("ok", true).build())
                .build();
        String json = serialize(message, 5);
        JsonObject document = JsonParser.parseString(json).getAsJsonObject();
        List<String> expected = new ArrayList<>();
        WireField.inOrder().forEach(field -> expected.add(field.jsonName()));
        expected.addAll(1, List.of(LogDocument.SEQ, LogDocument.SEQ_SLOT));
        expected.add(expected.indexOf("fields") + 1, TextFilterQueries.FIELD_VALUES);
        assertThat(new ArrayList<>(document.keySet())).containsExactlyElementsOf(expected);
        // the keywords field filters match: path, unit separator, the value's JSON text
        assertThat(document.getAsJsonArray(TextFilterQueries.FIELD_VALUES).toString())
                .isEqualTo("[\"msg\\u001fm\",\"http.status\\u001f500\",\"ratio\\u001f0.5\",\"ok\\u001ftrue\"]");
        assertThat(document.get(LogDocument.SEQ).getAsLong()).isEqualTo(5);
        assertThat(LogJson.fromJson(json)).isEqualTo(message);

        LogMessage sparse = LogMessage.system("boot", LogLevel.INFO, Instant.EPOCH).withId("log-6");
        JsonObject sparseDocument = JsonParser.parseString(serialize(sparse, 6)).getAsJsonObject();
        assertThat(sparseDocument.keySet()).containsExactly("id", "seq", "seqSlot", "message", "timestamp", "time",
                "level", "levelSource", "source", "isStdErr", "isSystem");
        assertThat(LogJson.fromJson(sparseDocument.toString())).isEqualTo(sparse);
    }
}

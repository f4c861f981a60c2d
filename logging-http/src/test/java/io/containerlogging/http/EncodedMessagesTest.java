package io.containerlogging.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.stream.JsonWriter;
import io.containerlogging.core.LogJson;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class EncodedMessagesTest {

    private static final Instant T = Instant.parse("2026-11-24T10:00:00.123456789Z");

    private static LogMessage message(String id, String text) {
        return new LogMessage(id, text, T, LogLevel.INFO, LogSource.container("web"), 1, "web", "c1",
                false, false, null);
    }

    /** The logs response through gson's JsonWriter and a UTF-8 Writer: the reference bytes. */
    private static byte[] reference(List<LogMessage> logs) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (Writer writer = new OutputStreamWriter(bytes, StandardCharsets.UTF_8)) {
            JsonWriter out = new JsonWriter(writer);
            out.beginObject();
            out.name("count").value(logs.size());
            out.name("logs").beginArray();
            for (LogMessage message : logs) {
                LogJson.write(out, message);
            }
            out.endArray();
            out.endObject();
        }
        return bytes.toByteArray();
    }

    @Test
    @DisplayName("writes the logs response: the count, then the messages as LogJson writes them")
    void logsResponse() {
        LogMessage message = message("log-1", "Server started on port 8080");
        JsonObject body = JsonParser.parseString(new String(new EncodedMessages().logsResponse(List.of(message), Integer.MAX_VALUE).toByteArray(),
                StandardCharsets.UTF_8)).getAsJsonObject();
        assertThat(body.keySet()).containsExactly("count", "logs");
        assertThat(body.get("count").getAsInt()).isEqualTo(1);
        assertThat(body.getAsJsonArray("logs").get(0).getAsJsonObject().get("id").getAsString())
                .isEqualTo("log-1");
        assertThat(LogJson.fromJson(body.getAsJsonArray("logs").get(0).toString())).isEqualTo(message);
    }

    @Test
    @DisplayName("writes what gson's JsonWriter writes, on first use and from the cache")
    void sameBytes() throws IOException {
        EncodedMessages encoded = new EncodedMessages();
        List<LogMessage> logs = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            logs.add(message("log-" + i, "line " + i + " \u00e9 \"q\"\n"));
        }
        logs.add(message(null, "no id"));
        logs.add(message("not-an-id", "odd id"));
        assertThat(encoded.logsResponse(List.of(), Integer.MAX_VALUE).toByteArray()).isEqualTo(reference(List.of()));
        assertThat(encoded.logsResponse(logs, Integer.MAX_VALUE).toByteArray()).isEqualTo(reference(logs));
        assertThat(encoded.logsResponse(logs, Integer.MAX_VALUE).toByteArray()).isEqualTo(reference(logs));
        assertThat(encoded.logsResponse(logs.subList(50, 51), Integer.MAX_VALUE).toByteArray()).isEqualTo(reference(logs.subList(50, 51)));
    }

    @Test
    @DisplayName("a different message with the same id (e.g. after a backend restart) is encoded afresh")
    void differentInstanceSameId() throws IOException {
        EncodedMessages encoded = new EncodedMessages();
        LogMessage before = message("log-7", "before restart");
        LogMessage after = message("log-7", "after restart");
        encoded.logsResponse(List.of(before), Integer.MAX_VALUE).toByteArray();
        assertThat(encoded.logsResponse(List.of(after), Integer.MAX_VALUE).toByteArray()).isEqualTo(reference(List.of(after)));
        // Two ids sharing a slot evict each other without mixing up their bytes.
        LogMessage sameSlot = message("log-" + (7 + EncodedMessages.SLOTS), "same slot");
        assertThat(encoded.logsResponse(List.of(after, sameSlot), Integer.MAX_VALUE).toByteArray()).isEqualTo(reference(List.of(after, sameSlot)));
    }
}

package io.containerlogging.forward.webhook;

import com.google.gson.stream.JsonWriter;
import io.containerlogging.core.LogJson;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.forward.StoredMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * The body of one webhook POST: {@code {"messages":[...]}}, each message in the {@link LogJson}
 * wire format, ids ascending; with a summary, first a {@code "text"} field for chat webhooks
 * (Slack, Mattermost, Rocket.Chat read {@code text} and ignore the rest). UTF-8, optionally gzip.
 */
final class WebhookBody {

    /** The lines a summary lists; the rest are counted. */
    static final int SUMMARY_LINES = 10;
    /** The most chars of one line in a summary. */
    static final int SUMMARY_LINE_CHARS = 200;

    private static final byte[] MESSAGES_START = "{\"messages\":[".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "]}".getBytes(StandardCharsets.US_ASCII);

    private WebhookBody() {
    }

    /** {@code batch} as the bytes of one request body. */
    static byte[] encode(List<LogMessage> batch, boolean summary, boolean gzip) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 * batch.size() + 64);
        try {
            OutputStream out = gzip ? new GZIPOutputStream(bytes, 8192) : bytes;
            try (Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
                    JsonWriter json = new JsonWriter(writer)) {
                json.beginObject();
                if (summary) {
                    json.name("text").value(summary(batch));
                }
                json.name("messages").beginArray();
                for (LogMessage message : batch) {
                    LogJson.write(json, message);
                }
                json.endArray();
                json.endObject();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in memory: cannot happen
        }
        return bytes.toByteArray();
    }

    /**
     * {@code batch} as the bytes of one request body, each message's stored JSON copied as it is:
     * the same bytes as {@link #encode} gives for the decoded messages, without decoding and
     * encoding every message again (only the ten a summary lists are decoded).
     */
    static byte[] encodeStored(List<StoredMessage> batch, boolean summary, boolean gzip) {
        int size = 64;
        for (StoredMessage message : batch) {
            size += message.jsonLength() + 1;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(gzip ? size / 4 : size);
        try (OutputStream out = gzip ? new GZIPOutputStream(bytes, 8192) : bytes) {
            if (summary) {
                List<LogMessage> listed = StoredMessage.messages(batch.subList(0, Math.min(SUMMARY_LINES, batch.size())));
                // gson writes the start, so that the text is escaped as encode() escapes it; the
                // writers are flushed, not closed: the messages and the end follow as bytes.
                Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
                JsonWriter json = new JsonWriter(writer);
                json.beginObject();
                json.name("text").value(summary(batch.size(), listed));
                json.name("messages").beginArray();
                json.flush();
            } else {
                out.write(MESSAGES_START);
            }
            for (int i = 0, n = batch.size(); i < n; i++) {
                if (i > 0) {
                    out.write(',');
                }
                batch.get(i).writeJson(out);
            }
            out.write(END);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in memory: cannot happen
        }
        return bytes.toByteArray();
    }

    static String summary(List<LogMessage> batch) {
        return summary(batch.size(), batch.subList(0, Math.min(SUMMARY_LINES, batch.size())));
    }

    /**
     * A plain-text summary: {@code "3 log messages"}, then one line per message,
     * {@code [level] service @device: line}. Log lines are untrusted: control characters become
     * spaces and {@code & < >} are escaped as chat services require, so a line cannot mention
     * {@code @channel} or forge a link.
     */
    static String summary(int count, List<LogMessage> first) {
        StringBuilder text = new StringBuilder();
        text.append(count).append(count == 1 ? " log message" : " log messages");
        int listed = Math.min(SUMMARY_LINES, first.size());
        for (int i = 0; i < listed; i++) {
            LogMessage message = first.get(i);
            text.append('\n').append('[').append(message.level().wireName()).append("] ");
            if (message.serviceName() != null) {
                text.append(safe(message.serviceName(), 100)).append(' ');
            }
            if (message.deviceId() != null) {
                text.append('@').append(safe(message.deviceId(), 100)).append(' ');
            }
            text.append(": ").append(safe(message.message(), SUMMARY_LINE_CHARS));
        }
        if (count > listed) {
            text.append("\n... and ").append(count - listed).append(" more");
        }
        return text.toString();
    }

    private static String safe(String value, int maxChars) {
        StringBuilder out = new StringBuilder(Math.min(value.length(), maxChars) + 8);
        int end = Math.min(value.length(), maxChars);
        if (end < value.length() && Character.isHighSurrogate(value.charAt(end - 1))) {
            end--; // never half a character
        }
        for (int i = 0; i < end; i++) {
            char c = value.charAt(i);
            if (c == '&') {
                out.append("&amp;");
            } else if (c == '<') {
                out.append("&lt;");
            } else if (c == '>') {
                out.append("&gt;");
            } else if (Character.isISOControl(c)) {
                out.append(' ');
            } else {
                out.append(c);
            }
        }
        if (value.length() > maxChars) {
            out.append("...");
        }
        return out.toString();
    }
}

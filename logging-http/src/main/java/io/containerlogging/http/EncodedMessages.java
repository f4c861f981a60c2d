package io.containerlogging.http;

import io.containerlogging.core.LogId;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.internal.Utf8Buffer;
import java.util.List;

/**
 * The {@code GET /api/v1/logs} response body, with each message's JSON kept in a small cache.
 *
 * <p>Clients poll for the newest messages, so consecutive responses mostly repeat the same ones,
 * and encoding them was most of the cost of a request. Stored messages are immutable and a backend
 * hands out the same instance on every query, so a message's bytes can be reused for as long as
 * the same instance comes back. The cache is direct-mapped by id sequence ({@value #SLOTS} slots,
 * about {@code SLOTS x} a message's JSON size at most, ~1.6 MB for seed-shaped messages) and a slot
 * hits only for the identical instance, so a different message with the same id (after a backend
 * restart, say) is encoded afresh. Messages without a {@code log-N} id are always encoded.
 *
 * <p>Thread-safety: thread-safe. Slots are read and written without locks: an {@link Entry} is
 * immutable with final fields, so a racing reader sees either a whole entry or another one, and
 * the identity check decides.
 */
final class EncodedMessages {

    /** Cache slots; a power of two. */
    static final int SLOTS = 4096;

    private static final byte[] COUNT = "{\"count\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] LOGS = ",\"logs\":[".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] END = "]}".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private static final class Entry {
        final LogMessage message;
        final byte[] json;

        Entry(LogMessage message, byte[] json) {
            this.message = message;
            this.json = json;
        }
    }

    private final Entry[] slots = new Entry[SLOTS];

    /**
     * The response {@code {"count":n,"logs":[...]}}: the number of messages, then the messages as
     * {@link io.containerlogging.core.LogJson} writes them, with no whitespace.
     */
    byte[] logsResponse(List<LogMessage> logs) {
        Utf8Buffer body = new Utf8Buffer(64 + 400 * logs.size());
        body.append(COUNT).append(Integer.toString(logs.size()).getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .append(LOGS);
        Utf8Buffer scratch = null;
        for (int i = 0; i < logs.size(); i++) {
            if (i > 0) {
                body.append((byte) ',');
            }
            LogMessage message = logs.get(i);
            long sequence = message.id() == null ? -1 : LogId.trySequence(message.id());
            if (sequence < 1) {
                body.write(message);
                continue;
            }
            int slot = (int) (sequence & (SLOTS - 1));
            Entry entry = slots[slot];
            if (entry == null || entry.message != message) {
                if (scratch == null) {
                    scratch = new Utf8Buffer(512);
                } else {
                    scratch.reset();
                }
                entry = new Entry(message, scratch.write(message).toByteArray());
                slots[slot] = entry;
            }
            body.append(entry.json);
        }
        body.append(END);
        return body.toByteArray();
    }
}

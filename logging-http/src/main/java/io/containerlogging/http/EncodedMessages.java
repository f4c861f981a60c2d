package io.containerlogging.http;

import io.containerlogging.core.LogId;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.internal.Utf8Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code GET /api/v1/logs} response body, bounded in bytes, with each message's JSON kept in
 * a small cache.
 *
 * <p>Clients poll for the newest messages, so consecutive responses mostly repeat the same ones,
 * and encoding them was most of the cost of a request. Stored messages are immutable and a backend
 * hands out the same instance on every query, so a message's bytes can be reused for as long as
 * the same instance comes back. The cache is direct-mapped by id sequence ({@value #SLOTS} slots)
 * and a slot hits only for the identical instance, so a different message with the same id (after
 * a backend restart, say) is encoded afresh. Messages without a {@code log-N} id, and messages
 * whose JSON is over {@value #CACHEABLE_BYTES} bytes, are always encoded: the cache holds at
 * most {@code SLOTS x CACHEABLE_BYTES} = 32 MiB, ~1.6 MB for seed-shaped messages. The body is
 * handed back as those parts ({@link ResponseBody}), joined only as it is sent.
 *
 * <p>Thread-safety: thread-safe. Slots are read and written without locks: an {@link Entry} is
 * immutable with final fields, so a racing reader sees either a whole entry or another one, and
 * the identity check decides.
 */
final class EncodedMessages {

    /** Cache slots; a power of two. */
    static final int SLOTS = 4096;
    /** Larger encoded messages are not cached. */
    static final int CACHEABLE_BYTES = 8192;
    /** Bytes of a response that are not messages: the envelope and the paging fields. */
    static final int ENVELOPE_BYTES = 256;

    private static final byte[] END = ascii("]}");
    private static final byte[] TRUNCATED_WITHOUT_ID = ascii("],\"truncated\":true}");
    /** Stands for a message too large to encode whole; compared by identity. */
    private static final byte[] TOO_LARGE = new byte[0];

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
     * The response {@code {"count":n,"logs":[...]}}, at most {@code maxBytes} long. If the
     * messages do not all fit, the oldest that do are sent, {@code count} says how many, and
     * {@code "truncated":true,"nextAfterId":"log-N"} tell the client to ask again with
     * {@code afterId=log-N} for the rest. A single message too large for the response on its own
     * is sent as an excerpt ({@link #excerpt}).
     */
    ResponseBody logsResponse(List<LogMessage> logs, int maxBytes) {
        int budget = Math.max(1, maxBytes - ENVELOPE_BYTES);
        List<byte[]> parts = new ArrayList<>(Math.min(logs.size(), 1024));
        long used = 0;
        boolean truncated = false;
        String nextAfterId = null;
        Utf8Buffer scratch = null; // only on a miss: a poller's requests mostly hit
        for (LogMessage message : logs) {
            long sequence = sequence(message);
            byte[] json = cached(message, sequence);
            if (json == null) {
                scratch = scratch != null ? scratch : new Utf8Buffer(512);
                json = encode(message, sequence, budget, scratch);
            }
            boolean tooLarge = json == TOO_LARGE || json.length > budget;
            if (!parts.isEmpty() && (tooLarge || used + json.length + 1 > budget)) {
                truncated = true;
                nextAfterId = lastId(logs, parts.size());
                break;
            }
            if (tooLarge) {
                // One message larger than a whole response: send its beginning, page on after it.
                scratch = scratch != null ? scratch : new Utf8Buffer(512);
                json = encodeUncached(excerpt(message, budget / 8), scratch);
                parts.add(json);
                used += json.length + 1;
                truncated = true;
                nextAfterId = message.id();
                break;
            }
            parts.add(json);
            used += json.length + 1;
        }
        // Not joined here: the transport copies the parts once, straight into its send buffer.
        byte[] head = ascii("{\"count\":" + parts.size() + ",\"logs\":[");
        byte[] tail = !truncated ? END
                : nextAfterId == null ? TRUNCATED_WITHOUT_ID // messages without ids: nothing to page on from
                : ascii("],\"truncated\":true,\"nextAfterId\":\"" + nextAfterId + "\"}");
        return ResponseBody.joined(head, parts, tail);
    }

    private static String lastId(List<LogMessage> logs, int included) {
        return logs.get(included - 1).id();
    }

    /** The id's sequence, or -1 for a message without a {@code log-N} id (never cached). */
    private static long sequence(LogMessage message) {
        return message.id() == null ? -1 : LogId.trySequence(message.id());
    }

    /**
     * The cached JSON of this very message instance, or null. Looked up before anything else:
     * a hit must not touch the message's text (one more cache line per message).
     */
    private byte[] cached(LogMessage message, long sequence) {
        if (sequence < 1) {
            return null;
        }
        Entry entry = slots[(int) (sequence & (SLOTS - 1))];
        return entry != null && entry.message == message ? entry.json : null;
    }

    /**
     * A message's JSON, encoded now and cached; messages whose text alone exceeds {@code budget}
     * come back as {@link #TOO_LARGE} (a cached JSON is never over {@value #CACHEABLE_BYTES} bytes,
     * and the caller compares its length with the budget).
     */
    private byte[] encode(LogMessage message, long sequence, int budget, Utf8Buffer scratch) {
        if (message.message().length() > budget) {
            // Do not even encode it whole: that alone could be gigabytes. Over budget, so the
            // caller sends an excerpt of it.
            return TOO_LARGE;
        }
        byte[] json = encodeUncached(message, scratch);
        if (sequence >= 1 && json.length <= CACHEABLE_BYTES) {
            slots[(int) (sequence & (SLOTS - 1))] = new Entry(message, json);
        }
        return json;
    }

    private static byte[] encodeUncached(LogMessage message, Utf8Buffer scratch) {
        scratch.reset();
        return scratch.write(message).toByteArray();
    }

    /**
     * {@code message} with its text cut to its first {@code maxChars} characters (never inside a
     * surrogate pair) and a note saying how long it was; the message itself if it is shorter.
     */
    static LogMessage excerpt(LogMessage message, int maxChars) {
        String text = message.message();
        if (text.length() <= maxChars) {
            return message;
        }
        int end = Math.max(0, maxChars);
        if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        String cut = text.substring(0, end) + " [... cut: " + end + " of " + text.length()
                + " characters shown]";
        return message.toBuilder().message(cut).build();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}

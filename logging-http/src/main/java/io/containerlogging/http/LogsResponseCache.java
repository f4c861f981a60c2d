package io.containerlogging.http;

import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The last few complete {@code GET /api/v1/logs} answers, so that a poller asking the same
 * question of a store that has not changed gets the stored bytes with one write.
 *
 * <p>Most requests repeat: a viewer or a script polls for the newest hundred lines, and between
 * two polls nothing or little was stored. Profiled under wrk, such a request spent 4–5 µs parsing
 * the query, building the {@link LogQuery} and assembling the body from cached message encodings,
 * and 3–4 µs more copying those parts into a send buffer: a quarter of what the JDK server itself
 * spends on it.
 *
 * <p><b>Exact by construction.</b> An entry is found by the raw query string and the raw
 * {@code Accept-Encoding} value (the only request inputs the body depends on; an entry exists
 * only for a query that passed validation, which depends on the string alone). The backend is
 * still asked, with the entry's query, and the entry answers only if the backend returned the very
 * same message instances in the same order: the body is a function of those immutable instances
 * (and of settings fixed per handler), so any store, eviction, deletion or retention cleanup that
 * changes the answer changes the list and misses. No change counter has to be trusted, and a
 * backend that hands out new instances on every query simply never hits.
 *
 * <p><b>ETags.</b> Each stored answer gets a tag unique to this handler instance (a random prefix
 * and a counter), sent as {@code ETag}; a request whose {@code If-None-Match} names the current
 * answer's tag gets 304. A tag never names two different bodies, so a 304 is never stale; the same
 * body stored again after its entry was replaced gets a new tag (a 200 where a 304 would have
 * done).
 *
 * <p><b>Bounds.</b> {@value #SLOTS} entries, direct-mapped by key; only answers of at most
 * {@value #MAX_BODY_BYTES} bytes are kept (larger ones are sent from the stream pool anyway). An
 * answer's parts are joined into one array on its first repeat, not when stored, so a store that
 * changes between every two requests costs no copy: at most {@value #SLOTS} × 64 KiB of joined
 * bodies, plus the messages the entries still reference (no more than their bodies hold).
 *
 * <p>Thread-safety: thread-safe without locks. Entries are immutable apart from their joined body,
 * which is published through a volatile field; two threads may both join the same entry, and
 * either result is the same bytes.
 */
final class LogsResponseCache {

    /** Entries kept; a power of two. */
    static final int SLOTS = 8;
    /** Larger answers are not kept. */
    static final int MAX_BODY_BYTES = LogHttpHandler.LARGE_BODY_BYTES;

    private final Entry[] slots = new Entry[SLOTS];
    private final String tagPrefix = "\"" + Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36) + "-";
    private final AtomicLong stored = new AtomicLong();

    /** One stored answer: its key, the query and messages it was made from, and the response. */
    static final class Entry {
        private final String rawQuery;
        private final String acceptEncoding;
        private final LogQuery query;
        private final LogMessage[] messages;
        private final int status;
        private final Map<String, String> headers;
        private final ResponseBody parts;
        private final String etag;
        private volatile ResponseBody joined;

        private Entry(String rawQuery, String acceptEncoding, LogQuery query, LogMessage[] messages,
                ApiResponse response, String etag) {
            this.rawQuery = rawQuery;
            this.acceptEncoding = acceptEncoding;
            this.query = query;
            this.messages = messages;
            this.status = response.status();
            this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(response.headers()));
            this.parts = response.body();
            this.etag = etag;
        }

        /** The validated query this entry's request string stands for. */
        LogQuery query() {
            return query;
        }

        /** Whether {@code logs} are the very instances this answer was made from, in order. */
        boolean answers(List<LogMessage> logs) {
            if (logs.size() != messages.length) {
                return false;
            }
            for (int i = 0; i < messages.length; i++) {
                if (logs.get(i) != messages[i]) {
                    return false;
                }
            }
            return true;
        }

        String etag() {
            return etag;
        }

        /**
         * A new response carrying this answer: the whole body on its first repeat and after, as
         * one array written at once; the parts, as first made, before that.
         */
        ApiResponse response(boolean repeat) {
            ResponseBody body = joined;
            if (body == null && repeat) {
                body = parts.joined();
                joined = body;
            }
            return ApiResponse.finished(status, new LinkedHashMap<>(headers), body != null ? body : parts);
        }

        /** The 304 for a request that already holds this answer: its headers, no body. */
        ApiResponse notModified() {
            Map<String, String> notModified = new LinkedHashMap<>(headers);
            notModified.remove("Content-Type");
            notModified.remove("Content-Encoding");
            return ApiResponse.finished(304, notModified, ResponseBody.EMPTY);
        }
    }

    /** The entry stored for this request, or null. The caller checks {@link Entry#answers}. */
    Entry find(String rawQuery, String acceptEncoding) {
        Entry entry = slots[slot(rawQuery, acceptEncoding)];
        return entry != null && entry.rawQuery.equals(rawQuery)
                && Objects.equals(entry.acceptEncoding, acceptEncoding) ? entry : null;
    }

    /**
     * Stores a finished answer made from {@code logs}, replacing whatever held its slot, and adds
     * its {@code ETag} to {@code response}; answers over {@value #MAX_BODY_BYTES} bytes and
     * answers other than 200 are not stored.
     *
     * @return the entry, or null if not stored
     */
    Entry store(String rawQuery, String acceptEncoding, LogQuery query, List<LogMessage> logs,
            ApiResponse response) {
        if (response.status() != 200 || response.body().length() > MAX_BODY_BYTES) {
            return null;
        }
        String etag = tagPrefix + Long.toString(stored.incrementAndGet(), 36) + "\"";
        response.header("ETag", etag);
        // A copy: the backend's list is not ours to hold, and must not change under the entry.
        Entry entry = new Entry(rawQuery, acceptEncoding, query, logs.toArray(LogMessage[]::new), response, etag);
        slots[slot(rawQuery, acceptEncoding)] = entry;
        return entry;
    }

    private static int slot(String rawQuery, String acceptEncoding) {
        int hash = rawQuery.hashCode() * 31 + (acceptEncoding == null ? 0 : acceptEncoding.hashCode());
        return (hash ^ (hash >>> 16)) & (SLOTS - 1);
    }

    /**
     * Whether an {@code If-None-Match} value names {@code etag} (weak comparison, as RFC 9110
     * asks for this header: a {@code W/} prefix is ignored) or is {@code *}.
     */
    static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        int at = 0;
        int length = ifNoneMatch.length();
        while (at < length) {
            int comma = ifNoneMatch.indexOf(',', at);
            int end = comma < 0 ? length : comma;
            String tag = ifNoneMatch.substring(at, end).trim();
            if (tag.startsWith("W/")) {
                tag = tag.substring(2);
            }
            if (tag.equals("*") || tag.equals(etag)) {
                return true;
            }
            at = end + 1;
        }
        return false;
    }
}

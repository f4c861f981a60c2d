package io.containerlogging.http;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A response body kept as the pieces it is made of, joined only as it is sent: a head, items
 * separated by commas, and a tail.
 *
 * <p>The {@code GET /api/v1/logs} body is a hundred or more message encodings, most of them
 * cached ({@link EncodedMessages}). Joining them into a new array per request meant allocating,
 * zeroing and later collecting a body-sized array (42 KB for 100 seed-shaped messages), which
 * cost more CPU than the whole rest of the API's work on a cached request. Here they are copied
 * once, into a send buffer of {@value #SEND_BUFFER_BYTES} bytes, and written with one {@code write}
 * per {@value #SEND_BUFFER_BYTES} bytes: the JDK server turns every write on a response body into a
 * socket write, so the pieces must not be written one by one.
 *
 * <p>Send buffers come from a small shared pool, most recently returned first, rather than one per
 * thread: the server hands requests to its threads in turn, so per-thread buffers (32 of them,
 * 2 MiB) were each cold by the time their thread came round again, while the few in use at once
 * on a small machine stay in its caches. At most {@value #POOLED} are kept; a sender that finds
 * none free uses a new one.
 *
 * <p>Thread-safety: immutable once made; the items must not change after they are handed over.
 * {@link #writeTo} may run on any thread, and on several at once.
 */
final class ResponseBody {

    /** Bytes copied per socket write: the size of a send buffer. */
    static final int SEND_BUFFER_BYTES = 64 * 1024;

    private static final byte[] NOTHING = new byte[0];

    static final ResponseBody EMPTY = of(NOTHING);

    /** Send buffers kept for reuse. */
    static final int POOLED = 8;
    private static final AtomicReferenceArray<byte[]> POOL = new AtomicReferenceArray<>(POOLED);

    private final byte[] head;
    private final List<byte[]> items;
    private final byte[] tail;
    private final int length;

    private ResponseBody(byte[] head, List<byte[]> items, byte[] tail) {
        this.head = head;
        this.items = items;
        this.tail = tail;
        long total = (long) head.length + tail.length + Math.max(0, items.size() - 1);
        for (int i = 0, n = items.size(); i < n; i++) {
            total += items.get(i).length;
        }
        this.length = Math.toIntExact(total);
    }

    /** A body of exactly {@code bytes} (not copied: do not change them afterwards). */
    static ResponseBody of(byte[] bytes) {
        return new ResponseBody(bytes, List.of(), NOTHING);
    }

    /** {@code head}, then {@code items} with a comma between each two, then {@code tail}. */
    static ResponseBody joined(byte[] head, List<byte[]> items, byte[] tail) {
        return new ResponseBody(head, items, tail);
    }

    /** The body's length in bytes. */
    int length() {
        return length;
    }

    /** This body as one piece, written with one {@code write}: itself if it is one already. */
    ResponseBody joined() {
        return items.isEmpty() && tail.length == 0 ? this : of(toByteArray());
    }

    /** The body as one new array. */
    byte[] toByteArray() {
        byte[] bytes = new byte[length];
        int at = copy(head, bytes, 0);
        for (int i = 0, n = items.size(); i < n; i++) {
            if (i > 0) {
                bytes[at++] = ',';
            }
            at = copy(items.get(i), bytes, at);
        }
        copy(tail, bytes, at);
        return bytes;
    }

    /**
     * Writes the body to {@code out}: a body of one piece as it is, any other through a send
     * buffer, in as few writes as its size allows. A sender blocked on a client that does not
     * read holds its buffer until the write fails; others meanwhile take new ones.
     */
    void writeTo(OutputStream out) throws IOException {
        if (items.isEmpty() && tail.length == 0) {
            out.write(head);
            return;
        }
        byte[] buffer = takeBuffer();
        try {
            new Chunker(out, buffer).put(head).putItems(items).put(tail).flush();
        } finally {
            returnBuffer(buffer);
        }
    }

    /** The most recently returned free send buffer (the lowest slot), or a new one. */
    private static byte[] takeBuffer() {
        for (int i = 0; i < POOLED; i++) {
            byte[] buffer = POOL.get(i);
            if (buffer != null && POOL.compareAndSet(i, buffer, null)) {
                return buffer;
            }
        }
        return new byte[SEND_BUFFER_BYTES];
    }

    private static void returnBuffer(byte[] buffer) {
        for (int i = 0; i < POOLED; i++) {
            if (POOL.get(i) == null && POOL.compareAndSet(i, null, buffer)) {
                return;
            }
        }
        // the pool is full: this one is left to the garbage collector
    }

    private static int copy(byte[] from, byte[] to, int at) {
        System.arraycopy(from, 0, to, at, from.length);
        return at + from.length;
    }

    /** Fills a send buffer and writes it out each time it is full. */
    private static final class Chunker {
        private final OutputStream out;
        private final byte[] buffer;
        private int size;

        Chunker(OutputStream out, byte[] buffer) {
            this.out = out;
            this.buffer = buffer;
        }

        Chunker putItems(List<byte[]> items) throws IOException {
            for (int i = 0, n = items.size(); i < n; i++) {
                if (i > 0) {
                    if (size == buffer.length) {
                        flush();
                    }
                    buffer[size++] = ',';
                }
                put(items.get(i));
            }
            return this;
        }

        Chunker put(byte[] bytes) throws IOException {
            int at = 0;
            while (at < bytes.length) {
                if (size == buffer.length) {
                    flush();
                }
                int n = Math.min(bytes.length - at, buffer.length - size);
                System.arraycopy(bytes, at, buffer, size, n);
                size += n;
                at += n;
            }
            return this;
        }

        void flush() throws IOException {
            if (size > 0) {
                out.write(buffer, 0, size);
                size = 0;
            }
        }
    }
}

package io.containerlogging.core.forward;

import io.containerlogging.core.LogId;
import io.containerlogging.core.LogJson;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.internal.Utf8Buffer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A stored message as a forwarder reads it: its id and its JSON in the {@link LogJson} wire format
 * (UTF-8, one object, exactly the bytes {@link LogJson#write} writes for it), with the
 * {@link LogMessage} decoded only when someone asks for it. A sink that sends our JSON (a webhook,
 * Kafka) sends {@link #writeJson these bytes} as they are and never pays for decoding and encoding
 * the message again; a sink that needs fields (syslog) asks for {@link #message()}.
 *
 * <p>Made from a stored line by {@link #fromStoredLine}: a line in the form the encoder writes
 * (every line the local backend writes) is kept as it is; any other line that decodes to a message
 * (an older format, hand-written) is decoded and encoded again, so the JSON is always the
 * encoder's, whatever the file held.
 *
 * <p>Immutable apart from the decoded message it caches; safe to hand between threads.
 */
public final class StoredMessage {

    private final long sequence;
    private volatile byte[] json; // encoded on first use when made from a decoded message
    private final boolean canonical; // json is a stored line CanonicalLine accepted
    private final int deviceIdStart; // in json; -1: none; -2: ask the message
    private final int deviceIdEnd;
    private final CanonicalSpans spans; // where the fields of a canonical json are; null otherwise
    private String deviceId; // decoded on first use; racy but idempotent
    private LogMessage message; // decoded on first use; a record of final fields, so safe to publish racily

    private StoredMessage(long sequence, byte[] json, CanonicalSpans spans, int deviceIdStart, int deviceIdEnd,
            LogMessage message) {
        this.sequence = sequence;
        this.json = json;
        this.canonical = json != null;
        this.spans = spans;
        this.deviceIdStart = deviceIdStart;
        this.deviceIdEnd = deviceIdEnd;
        this.message = message;
    }

    /**
     * The stored message that {@code line[offset, offset + length)} holds (a line of a local
     * backend's file, without its newline). Untrusted input: never anything but this exception
     * for a line that is not a stored message.
     *
     * @param line the bytes; not kept (what is kept is copied)
     * @param offset where the line starts
     * @param length its length in bytes
     * @return the message, with JSON in the encoder's form
     * @throws IllegalArgumentException if the line is not one JSON message with a {@code log-N} id
     */
    public static StoredMessage fromStoredLine(byte[] line, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, line.length);
        CanonicalLine.Found found = new CanonicalLine.Found();
        if (CanonicalLine.scan(line, offset, offset + length, found)) {
            int base = found.deviceIdStart < 0 ? 0 : offset;
            found.spans.shift(offset);
            return new StoredMessage(found.sequence, Arrays.copyOfRange(line, offset, offset + length), found.spans,
                    found.deviceIdStart < 0 ? -1 : found.deviceIdEscaped ? -2 : found.deviceIdStart - base,
                    found.deviceIdEnd - base, null);
        }
        // Not the encoder's form: decode as reading always did (malformed UTF-8 replaced), then
        // encode, so the bytes are what a sink encoding the message would send.
        LogMessage message = LogJson.fromJson(new String(line, offset, length, StandardCharsets.UTF_8));
        long sequence = LogId.trySequence(message.id());
        if (sequence < 1) {
            throw new IllegalArgumentException("not a stored message: its id is not log-N");
        }
        return of(message);
    }

    /**
     * A stored message from its decoded form (read decoded for a sink that needs the fields, or
     * from a source other than files); its JSON is encoded when first asked for.
     *
     * @param message a message with a {@code log-N} id
     * @return it
     * @throws IllegalArgumentException if the message has no {@code log-N} id
     */
    public static StoredMessage of(LogMessage message) {
        return new StoredMessage(LogId.sequence(message.id()), null, null, -2, 0, message);
    }

    private byte[] encoded() {
        byte[] known = json;
        if (known == null) {
            known = new Utf8Buffer(256).write(message).toByteArray();
            json = known;
        }
        return known;
    }

    /** The decoded messages of {@code batch}, in its order. */
    public static List<LogMessage> messages(List<StoredMessage> batch) {
        List<LogMessage> messages = new ArrayList<>(batch.size());
        for (StoredMessage stored : batch) {
            messages.add(stored.message());
        }
        return messages;
    }

    /** The id, {@code log-N}. */
    public String id() {
        LogMessage known = message;
        // a line in another form (decoded) may spell N with leading zeros: keep its spelling
        return known != null ? known.id() : LogId.format(sequence);
    }

    /** The N of the {@code log-N} id. */
    public long sequence() {
        return sequence;
    }

    /** The device id, or null if the message has none; read without decoding the rest. */
    public String deviceId() {
        if (deviceIdStart == -1) {
            return null;
        }
        String known = deviceId;
        if (known == null) {
            known = deviceIdStart == -2 ? message().deviceId()
                    : new String(encoded(), deviceIdStart, deviceIdEnd - deviceIdStart, StandardCharsets.UTF_8);
            deviceId = known;
        }
        return known;
    }

    /**
     * The message, decoded on the first call (about a microsecond) and kept.
     *
     * @throws IllegalArgumentException never for a message made by this class's factories; only
     *     if the decoder and the encoder disagreed about the format
     */
    public LogMessage message() {
        LogMessage known = message;
        if (known == null) {
            known = LogJson.fromJson(new String(encoded(), StandardCharsets.UTF_8));
            message = known;
        }
        return known;
    }

    /** Whether the message is decoded already (for a filter, or made by {@link #of}). */
    public boolean decoded() {
        return message != null;
    }

    /** The length of the JSON in bytes. */
    public int jsonLength() {
        return encoded().length;
    }

    /** A copy of the JSON: one object, UTF-8, no newline. */
    public byte[] json() {
        return encoded().clone();
    }

    /**
     * Reads the JSON in place, for a sink that turns it into its own format without decoding the
     * message (syslog): passed to {@link StoredMessage#readCanonicalJson}.
     *
     * @param <T> what the reader makes of it
     */
    @FunctionalInterface
    public interface CanonicalJsonReader<T> {
        /**
         * Reads one message's JSON.
         *
         * @param json the bytes, to be read only: never modify them or keep a reference
         * @param offset where the JSON starts
         * @param length its length in bytes
         * @return the result {@link #readCanonicalJson} returns
         */
        T read(byte[] json, int offset, int length);

        /**
         * Reads one message's JSON, told where its fields are (found when the line was checked), so
         * that it need not walk the line again; by default ignores them and calls
         * {@link #read(byte[], int, int)}.
         *
         * @param json the bytes, to be read only: never modify them or keep a reference
         * @param offset where the JSON starts
         * @param length its length in bytes
         * @param spans where its fields are, relative to {@code offset}
         * @return the result {@link #readCanonicalJson} returns
         */
        default T read(byte[] json, int offset, int length, CanonicalSpans spans) {
            return read(json, offset, length);
        }
    }

    /**
     * Hands the JSON, without a copy, to {@code reader} if it is in the canonical form: a stored
     * line exactly as {@link LogJson#write} writes the message it decodes to, with a {@code log-N}
     * id, a {@code time}, the fields in {@link io.containerlogging.core.internal.WireField} order,
     * only the escapes gson writes (<code>\" \\ \t \b \n \r \f</code>, <code>&#92;u00xx</code>
     * for other control characters, <code>&#92;u2028 &#92;u2029</code>), strict UTF-8 and no
     * {@code fields}. Such JSON can be read field by field without a JSON parser; every line the
     * local backend writes without parsed fields is in this form. A message made by {@link #of},
     * or from a line in another form, is not: then {@code reader} is not called.
     *
     * @param reader reads the bytes
     * @param <T> what it returns
     * @return what {@code reader} returned, or null if the JSON is not in the canonical form
     */
    public <T> T readCanonicalJson(CanonicalJsonReader<T> reader) {
        if (!canonical) {
            return null;
        }
        byte[] bytes = json;
        return reader.read(bytes, 0, bytes.length, spans);
    }

    /** Writes the JSON to {@code out}, without a copy. */
    public void writeJson(OutputStream out) throws IOException {
        out.write(encoded());
    }

    @Override
    public String toString() {
        return new String(encoded(), StandardCharsets.UTF_8);
    }
}

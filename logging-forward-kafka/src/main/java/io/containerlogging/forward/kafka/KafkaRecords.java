package io.containerlogging.forward.kafka;

import io.containerlogging.core.LogJson;
import io.containerlogging.core.LogMessage;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * How a message becomes a Kafka record: key {@code <deviceId>/<id>}, value the message's JSON wire
 * form ({@link LogJson#toJson}), partition chosen by the device id, and the text of a message too
 * large for one record cut down so that the record fits. Stateless and thread-safe.
 */
final class KafkaRecords {

    /**
     * Bytes a record takes in a produce request beyond its key and value (record and batch
     * headers, topic name): kept free so that a record of {@code maxRecordBytes} is never refused by
     * the producer's {@code max.request.size} check.
     */
    static final int RECORD_OVERHEAD = 512;

    private final int maxRecordBytes;

    /** @param maxRecordBytes the most bytes a record's key and value may take together */
    KafkaRecords(int maxRecordBytes) {
        this.maxRecordBytes = maxRecordBytes;
    }

    /**
     * The record key: the device id, a slash, the log id, in UTF-8 ({@code edge-7/log-42}). Log ids
     * never contain a slash, so a consumer splits at the last one. A message without a device id
     * gets an empty one ({@code /log-42}).
     */
    static byte[] key(LogMessage message) {
        return keyText(message).getBytes(StandardCharsets.UTF_8);
    }

    /** {@link #key(LogMessage)} of a message with this device id (or null) and id. */
    static byte[] key(String deviceId, String id) {
        return keyText(deviceId, id).getBytes(StandardCharsets.UTF_8);
    }

    static String keyText(LogMessage message) {
        return keyText(message.deviceId(), message.id());
    }

    private static String keyText(String deviceId, String id) {
        return (deviceId == null ? "" : deviceId) + "/" + id;
    }

    /**
     * The partition of a device's messages: the same murmur2 hash Kafka's default partitioner applies
     * to a key, here to the device id alone, so that one device's messages stay in one partition in
     * id order.
     */
    static int partition(LogMessage message, int partitions) {
        return partition(message.deviceId(), partitions);
    }

    /** {@link #partition(LogMessage, int)} of a message with this device id (or null). */
    static int partition(String deviceId, int partitions) {
        String device = deviceId == null ? "" : deviceId;
        return Utils.toPositive(Utils.murmur2(device.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /** The value, or null if it fits only after {@link #shortened}. */
    byte[] value(LogMessage message, int keyBytes) {
        byte[] value = LogJson.toJson(message).getBytes(StandardCharsets.UTF_8);
        return keyBytes + value.length <= maxRecordBytes ? value : null;
    }

    /**
     * The value of the message with its text cut so that its record fits, ending in
     * {@code [truncated N bytes]} as the Docker reader marks lines it cut (N counts UTF-8 bytes).
     * The text shrinks in proportion to the overshoot until the JSON fits, in a few rounds.
     */
    byte[] shortenedValue(LogMessage message, int keyBytes) {
        String text = message.message();
        long originalBytes = utf8Length(text);
        int keep = text.length();
        while (true) {
            LogMessage candidate = message.toBuilder().message(cut(text, keep, originalBytes)).build();
            byte[] value = LogJson.toJson(candidate).getBytes(StandardCharsets.UTF_8);
            int size = keyBytes + value.length;
            if (size <= maxRecordBytes || keep == 0) {
                // With the whole text gone, fields and metadata alone may still exceed the limit;
                // the record is sent as it is then, and the producer's failure says why.
                return value;
            }
            // Shrink in proportion (escaping makes the bytes per character vary from 1 to 6), a
            // little more so that the fixed part of the JSON is paid for, and by one at least.
            keep = (int) Math.max(0, Math.min(keep - 1L, (long) keep * maxRecordBytes / size - keep / 64));
        }
    }

    private static String cut(String text, int keep, long originalBytes) {
        if (keep > 0 && keep < text.length() && Character.isHighSurrogate(text.charAt(keep - 1))) {
            keep--; // never split a surrogate pair
        }
        String head = text.substring(0, keep);
        return head + " [truncated " + (originalBytes - utf8Length(head)) + " bytes]";
    }

    private static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}

package io.containerlogging.forward.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.containerlogging.core.LogJson;
import io.containerlogging.core.LogMessage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("KafkaRecords: key, value, partition and cutting a message too large for a record")
class KafkaRecordsTest {

    private static LogMessage message(String device, String id, String text) {
        return LogMessage.builder().id(id).deviceId(device).message(text).build();
    }

    @Test
    @DisplayName("the key is <deviceId>/<id> in UTF-8, an empty device id when there is none")
    void key() {
        assertThat(new String(KafkaRecords.key(message("edge-ü/7", "log-42", "x")), StandardCharsets.UTF_8))
                .isEqualTo("edge-ü/7/log-42");
        assertThat(KafkaRecords.keyText(message(null, "log-1", "x"))).isEqualTo("/log-1");
    }

    @Test
    @DisplayName("the value is exactly the JSON wire form in UTF-8")
    void value() {
        LogMessage message = message("d", "log-1", "caf\u00e9 \uD83D\uDE80 \"q\"\n");
        assertThat(new KafkaRecords(10_000).value(message, 8))
                .isEqualTo(LogJson.toJson(message).getBytes(StandardCharsets.UTF_8));
        assertThat(new KafkaRecords(100).value(message("d", "log-1", "y".repeat(200)), 8)).isNull();
    }

    @Test
    @DisplayName("a device's messages share the partition Kafka's default partitioner gives the device id as key")
    void partition() {
        for (String device : List.of("edge-1", "edge-2", "", "ü-device")) {
            byte[] key = device.getBytes(StandardCharsets.UTF_8);
            for (int partitions : new int[] {1, 3, 12}) {
                int expected = BuiltInPartitioner.partitionForKey(key, partitions);
                assertThat(KafkaRecords.partition(message(device, "log-1", "a"), partitions)).isEqualTo(expected);
                assertThat(KafkaRecords.partition(message(device, "log-99", "b"), partitions)).isEqualTo(expected);
            }
        }
        assertThat(KafkaRecords.partition(message(null, "log-1", "a"), 12))
                .isEqualTo(KafkaRecords.partition(message("", "log-1", "a"), 12));
    }

    @Test
    @DisplayName("a message too large is cut to fit and marked with the bytes it lost")
    void cutAscii() {
        KafkaRecords records = new KafkaRecords(5_000);
        LogMessage big = message("d", "log-1", "a".repeat(20_000));
        byte[] value = records.shortenedValue(big, 7);
        assertThat(value.length + 7).isLessThanOrEqualTo(5_000).isGreaterThan(4_000);
        String text = LogJson.fromJson(new String(value, StandardCharsets.UTF_8)).message();
        int kept = text.indexOf(' ');
        assertThat(text).isEqualTo("a".repeat(kept) + " [truncated " + (20_000 - kept) + " bytes]");
    }

    @Test
    @DisplayName("cutting a text that escaping inflates sixfold still fits, and never splits a surrogate pair")
    void cutEscapedAndEmoji() {
        KafkaRecords records = new KafkaRecords(4_096);
        for (String unit : List.of("\u0001", "\uD83D\uDE80", "\"", "\\")) {
            byte[] value = records.shortenedValue(message("d", "log-1", unit.repeat(10_000)), 7);
            assertThat(value.length + 7).isLessThanOrEqualTo(4_096);
            String text = LogJson.fromJson(new String(value, StandardCharsets.UTF_8)).message();
            String head = text.substring(0, text.lastIndexOf(" [truncated "));
            assertThat(head.isEmpty() || !head.equals(unit.repeat(head.length() / unit.length())))
                    .as("%s cut to %d whole units", unit, head.length() / unit.length()).isFalse();
        }
    }
}

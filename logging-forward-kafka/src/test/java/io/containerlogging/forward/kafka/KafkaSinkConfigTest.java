package io.containerlogging.forward.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("KafkaSink configuration (no broker needed)")
class KafkaSinkConfigTest {

    @Nested
    @DisplayName("fromUri")
    class FromUri {

        @Test
        @DisplayName("takes one host, its port and the topic")
        void oneHost() {
            try (KafkaSink sink = KafkaSink.fromUri(URI.create("kafka://broker.example:9093/device-logs"))) {
                assertThat(sink.target()).isEqualTo("kafka://broker.example:9093/device-logs");
                assertThat(sink.producerProperties()).containsEntry("bootstrap.servers", "broker.example:9093");
            }
        }

        @Test
        @DisplayName("takes several comma-separated hosts, defaulting the port to 9092")
        void severalHosts() {
            try (KafkaSink sink = KafkaSink.fromUri(URI.create("kafka://h1:9092,h2,10.0.0.3:9094/logs.v1"))) {
                assertThat(sink.target()).isEqualTo("kafka://h1:9092,h2:9092,10.0.0.3:9094/logs.v1");
                assertThat(sink.producerProperties())
                        .containsEntry("bootstrap.servers", "h1:9092,h2:9092,10.0.0.3:9094");
            }
        }

        @Test
        @DisplayName("takes one IPv6 host in brackets")
        void ipv6() {
            try (KafkaSink sink = KafkaSink.fromUri(URI.create("kafka://[::1]:9094/t"))) {
                assertThat(sink.target()).isEqualTo("kafka://[::1]:9094/t");
            }
        }

        @Test
        @DisplayName("sets the idempotent producer's settings, bounded timeouts and gzip")
        void producerSettings() {
            try (KafkaSink sink = KafkaSink.fromUri(URI.create("kafka://h:1/t"))) {
                assertThat(sink.producerProperties())
                        .containsEntry("enable.idempotence", true)
                        .containsEntry("acks", "all")
                        .containsEntry("max.in.flight.requests.per.connection", 5)
                        .containsEntry("delivery.timeout.ms", 30_000)
                        .containsEntry("max.block.ms", 30_000L)
                        .containsEntry("compression.type", "gzip");
            }
        }

        @ParameterizedTest(name = "{0}: {1}")
        @CsvSource(delimiter = '|', value = {
            "http://h:9092/t | the scheme must be kafka",
            "kafka:h:9092/t | expected kafka://host:port/topic",
            "kafka:///t | no host",
            "kafka://h:9092 | no topic",
            "kafka://h:9092/ | no topic",
            "kafka://h:9092/a/b | bad topic \"a/b\"",
            "kafka://h:9092/.. | bad topic \"..\"",
            "kafka://h:9092/t%20x | bad topic \"t x\"",
            "kafka://h:port/t | bad port \"port\" of host \"h\"",
            "kafka://h:70000/t | port 70000 of host \"h\" is not in 1..65535",
            "kafka://h1,,h2/t | an empty host",
            "kafka://user:secret@h:9092/t | credentials in the URI are not supported",
            "kafka://h:9092/t?acks=1 | unknown parameters \"acks=1\"",
            "kafka://h:9092/t#x | a fragment is not allowed",
        })
        @DisplayName("refuses a bad URI, quoting it and what is wrong")
        void badUri(String uri, String what) {
            assertThatThrownBy(() -> KafkaSink.fromUri(URI.create(uri)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("bad Kafka URI \"" + uri + "\"")
                    .hasMessageContaining(what);
        }
    }

    @Nested
    @DisplayName("builder")
    class BuilderChecks {

        @Test
        @DisplayName("requires bootstrap servers and a topic")
        void required() {
            assertThatThrownBy(() -> KafkaSink.builder().topic("t").build())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("bootstrapServers");
            assertThatThrownBy(() -> KafkaSink.builder().bootstrapServers(List.of("h:1")).build())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("topic");
        }

        @Test
        @DisplayName("refuses the settings its guarantees rest on, quoting the name")
        void fixedSettings() {
            for (String name : List.of("acks", "enable.idempotence", "max.in.flight.requests.per.connection",
                    "delivery.timeout.ms", "transactional.id")) {
                assertThatThrownBy(() -> KafkaSink.builder().property(name, "1"))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"" + name + "\"");
            }
        }

        @Test
        @DisplayName("checks the other producer settings when it builds, without connecting")
        void otherSettings() {
            assertThatThrownBy(() -> KafkaSink.builder().bootstrapServers(List.of("h:1")).topic("t")
                    .property("batch.size", "many").build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batch.size");
            try (KafkaSink sink = KafkaSink.builder().bootstrapServers(List.of("unresolvable.invalid:9092"))
                    .topic("t").property("client.id", "mine").build()) {
                assertThat(sink.producerProperties()).containsEntry("client.id", "mine");
            }
        }

        @Test
        @DisplayName("refuses a codec whose library this module leaves out, naming the artifact")
        void codecLibraries() {
            var builder = KafkaSink.builder().bootstrapServers(List.of("h:1")).topic("t");
            assertThatThrownBy(() -> builder.compression(KafkaCompression.ZSTD).build())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("com.github.luben:zstd-jni");
            assertThatThrownBy(() -> builder.compression(KafkaCompression.LZ4).build())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("lz4-java");
            try (KafkaSink sink = builder.compression(KafkaCompression.NONE).build()) {
                assertThat(sink.producerProperties()).containsEntry("compression.type", "none");
            }
        }

        @ParameterizedTest(name = "{0}")
        @CsvSource({"PT0.5S", "PT25H"})
        @DisplayName("refuses a delivery timeout out of range, quoting it")
        void deliveryTimeout(Duration timeout) {
            assertThatThrownBy(() -> KafkaSink.builder().deliveryTimeout(timeout))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(timeout.toString());
        }

        @Test
        @DisplayName("refuses a bad topic or server, quoting it")
        void badNames() {
            assertThatThrownBy(() -> KafkaSink.builder().topic("a b"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"a b\"");
            assertThatThrownBy(() -> KafkaSink.builder().bootstrapServers(List.of("nohost")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"nohost\"");
        }

        @Test
        @DisplayName("a sink that never delivered closes twice, and refuses to deliver afterwards")
        void closeUnused() {
            KafkaSink sink = KafkaSink.builder().bootstrapServers(List.of("h:1")).topic("t").build();
            sink.close();
            sink.close();
            assertThatThrownBy(() -> sink.deliver(Flood.messages("d", 1, 1, List.of(), 0)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        }
    }

    @Nested
    @DisplayName("without a broker")
    class Offline {

        @Test
        @Timeout(value = 1, unit = TimeUnit.MINUTES)
        @DisplayName("deliver throws an IOException when no bootstrap host resolves (a device offline)")
        void unresolvable() {
            try (KafkaSink sink = KafkaSink.builder().bootstrapServers(List.of("no-such-host.invalid:9092"))
                    .topic("t").deliveryTimeout(Duration.ofSeconds(1)).build()) {
                assertThatThrownBy(() -> sink.deliver(Flood.messages("d", 1, 3, List.of(), 0)))
                        .isInstanceOf(IOException.class).hasMessageContaining("kafka://no-such-host.invalid:9092/t");
            }
        }

        @Test
        @Timeout(value = 1, unit = TimeUnit.MINUTES)
        @DisplayName("deliver throws an IOException when nothing listens, after the delivery timeout and not later")
        void nothingListens() throws IOException {
            int port;
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = socket.getLocalPort();
            }
            try (KafkaSink sink = KafkaSink.builder().bootstrapServers(List.of("127.0.0.1:" + port))
                    .topic("t").deliveryTimeout(Duration.ofSeconds(1)).build()) {
                for (int attempt = 0; attempt < 2; attempt++) {
                    assertThatThrownBy(() -> sink.deliver(Flood.messages("d", 1, 3, List.of(), 0)))
                            .isInstanceOf(IOException.class);
                }
            }
        }
    }
}

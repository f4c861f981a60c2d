package io.containerlogging.examples;

import io.containerlogging.core.LogJson;
import io.containerlogging.core.LogMessage;
import io.containerlogging.forward.kafka.KafkaBroker;
import io.containerlogging.forward.kafka.TopicReader;
import io.containerlogging.testing.DockerTest;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ForwardingOutageTest} with {@code FORWARD_TO=kafka://.../topic} and a real KRaft broker in
 * a child JVM ({@link KafkaBroker}), stopped with SIGTERM and started again on the same ports and
 * data. Skipped when no broker can start, unless {@code -Dkafka.required=true}.
 */
@DockerTest
@Tag("kafka")
@Tag("crash")
@Timeout(300)
@DisplayName("FORWARD_TO kafka: the broker stopped mid-flood, the server restarted meanwhile, every line delivered")
class KafkaForwardingOutageTest extends ForwardingOutageTest {

    private static final String TOPIC = "device-logs";

    private KafkaBroker broker;

    @BeforeEach
    void startBroker() {
        try {
            broker = KafkaBroker.start();
        } catch (IOException | RuntimeException e) {
            KafkaBroker.skipUnlessRequired(e);
        }
    }

    @AfterEach
    void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Override
    String sinkUri() {
        return "kafka://" + broker.bootstrapServers() + "/" + TOPIC;
    }

    @Override
    void stopReceiver() {
        broker.stop();
    }

    @Override
    void startReceiver() throws Exception {
        broker.restart();
    }

    @Override
    List<String> received(String containerId) {
        return TopicReader.readAll(broker.bootstrapServers(), TOPIC).stream()
                .filter(read -> read.key().startsWith(DEVICE + "/"))
                .map(read -> LogJson.fromJson(read.value()))
                .filter(message -> containerId.equals(message.containerId()))
                .map(LogMessage::message)
                .toList();
    }

    /**
     * docs/forwarding-kafka.md: one copy of the batch in flight per failed attempt, and one batch per
     * crash (its cursor was not saved); a clean restart cuts an attempt short like a failure.
     */
    @Override
    long duplicateWindow(int restarts, long failedDeliveries) {
        return (long) BATCH * (restarts + failedDeliveries);
    }
}

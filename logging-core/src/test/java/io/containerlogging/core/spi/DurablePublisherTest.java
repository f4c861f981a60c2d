package io.containerlogging.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containerlogging.core.LogId;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.core.LogSubscription;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class DurablePublisherTest {

    private final LogFanout fanout = new LogFanout();
    private final DurablePublisher publisher = new DurablePublisher(fanout);

    @AfterEach
    void close() {
        fanout.close();
    }

    private static List<LogMessage> messages(long first, long last) {
        return LongStream.rangeClosed(first, last)
                .mapToObj(sequence -> LogMessage.system("m" + sequence, LogLevel.INFO, Instant.EPOCH)
                        .withId(LogId.format(sequence)))
                .toList();
    }

    @Test
    @DisplayName("while nobody subscribes, written messages are not held, yet the watermark moves when they are durable")
    void nothingHeldWithoutSubscribers() {
        publisher.startAfter(10);
        publisher.written(messages(11, 20));
        DurablePublisher.Durable durable = publisher.take();
        assertThat(durable.messages()).isEmpty();
        assertThat(durable.through()).isEqualTo(20);
        assertThat(publisher.visibleThrough()).isEqualTo(10);
        assertThat(publisher.unheldSince()).isEqualTo(20);

        publisher.publish(durable);

        assertThat(publisher.visibleThrough()).isEqualTo(20);
        assertThat(publisher.unheldSince()).isZero();
        assertThat(publisher.take()).isEqualTo(DurablePublisher.Durable.NONE);
    }

    @Test
    @DisplayName("with a subscriber, written messages are held and published to it once durable")
    void heldForSubscribers() throws InterruptedException {
        List<LogMessage> received = new CopyOnWriteArrayList<>();
        try (LogSubscription subscription = fanout.subscribe(LogQuery.all(), 100, received::add)) {
            publisher.written(messages(1, 5));
            assertThat(publisher.unheldSince()).isZero();
            DurablePublisher.Durable durable = publisher.take();
            assertThat(durable.messages()).hasSize(5);
            publisher.publish(durable);
            assertThat(publisher.awaitPublished(5, TimeUnit.SECONDS.toNanos(5))).isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 5);
            assertThat(received).extracting(LogMessage::id)
                    .containsExactly("log-1", "log-2", "log-3", "log-4", "log-5");
        }
    }

    @Test
    @DisplayName("a subscriber that comes between unheld writes and their force waits for them, and gets what follows")
    void subscriberArrivingMidFlush() throws InterruptedException {
        publisher.written(messages(1, 3)); // nobody subscribed: not held
        List<LogMessage> received = new CopyOnWriteArrayList<>();
        try (LogSubscription subscription = fanout.subscribe(LogQuery.all(), 100, received::add)) {
            long unheld = publisher.unheldSince();
            assertThat(unheld).isEqualTo(3);
            assertThat(publisher.awaitPublished(unheld, TimeUnit.MILLISECONDS.toNanos(50)))
                    .as("not durable yet").isFalse();
            publisher.written(messages(4, 6)); // held for the subscriber
            publisher.publish(publisher.take());
            assertThat(publisher.awaitPublished(unheld, TimeUnit.SECONDS.toNanos(5))).isTrue();
            assertThat(publisher.visibleThrough()).isEqualTo(6);
            await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 3);
            // 1-3 reach it through a query up to the watermark, which now covers them
            assertThat(received).extracting(LogMessage::id).containsExactly("log-4", "log-5", "log-6");
        }
    }
}

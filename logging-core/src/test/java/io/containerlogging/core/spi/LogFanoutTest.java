package io.containerlogging.core.spi;

import io.containerlogging.core.LogId;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.core.LogSource;
import io.containerlogging.core.LogSubscriber;
import io.containerlogging.core.LogSubscription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class LogFanoutTest {

    private final LogFanout fanout = new LogFanout();

    @AfterEach
    void close() {
        fanout.close();
    }

    private static LogMessage stored(long sequence, LogLevel level) {
        return LogMessage.system("m" + sequence, level, Instant.EPOCH).withId(LogId.format(sequence));
    }

    @Test
    @DisplayName("delivers matching messages in publish order and nothing else")
    void deliversInOrder() {
        List<String> received = new CopyOnWriteArrayList<>();
        fanout.subscribe(LogQuery.builder().level(LogLevel.ERROR).build(), 10_000,
                m -> received.add(m.id()));
        for (int i = 1; i <= 5000; i++) {
            fanout.publish(stored(i, i % 2 == 0 ? LogLevel.ERROR : LogLevel.INFO));
        }
        await().atMost(10, TimeUnit.SECONDS).until(() -> received.size() == 2500);
        for (int i = 0; i < 2500; i++) {
            assertThat(received.get(i)).isEqualTo(LogId.format(2L * (i + 1)));
        }
    }

    @Test
    @DisplayName("a blocked subscriber never blocks publish; it is told exactly how many it missed")
    void slowSubscriberDropsAndCounts() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch firstArrived = new CountDownLatch(1);
        AtomicInteger delivered = new AtomicInteger();
        AtomicLong reportedDrops = new AtomicLong();
        LogSubscription subscription = fanout.subscribe(LogQuery.all(), 10, new LogSubscriber() {
            @Override
            public void onLog(LogMessage message) {
                delivered.incrementAndGet();
                firstArrived.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void onDropped(long count) {
                reportedDrops.addAndGet(count);
            }
        });
        fanout.publish(stored(1, LogLevel.INFO));
        assertThat(firstArrived.await(10, TimeUnit.SECONDS)).isTrue();
        // The subscriber is stuck inside onLog: 10 more fit its buffer, the other 990 are dropped.
        for (int i = 2; i <= 1001; i++) {
            fanout.publish(stored(i, LogLevel.INFO));
        }
        assertThat(subscription.dropped()).isEqualTo(990);
        // What the metrics show: the subscriber's lag (its full buffer) and the drops.
        assertThat(fanout.queued()).isEqualTo(10);
        assertThat(fanout.dropped()).isEqualTo(990);
        release.countDown();
        await().atMost(10, TimeUnit.SECONDS).until(() -> delivered.get() == 11 && reportedDrops.get() == 990);
        assertThat(fanout.queued()).isZero();
        subscription.close();
        assertThat(fanout.dropped()).as("kept after the subscription closed").isEqualTo(990);
    }

    @Test
    @DisplayName("a subscriber that throws is closed and counted out")
    void throwingSubscriberIsClosed() {
        AtomicInteger closedCalls = new AtomicInteger();
        LogSubscription subscription = fanout.subscribe(LogQuery.all(), 10, new LogSubscriber() {
            @Override
            public void onLog(LogMessage message) {
                throw new IllegalStateException("client went away");
            }

            @Override
            public void onClosed() {
                closedCalls.incrementAndGet();
            }
        });
        assertThat(fanout.subscriberCount()).isEqualTo(1);
        fanout.publish(stored(1, LogLevel.INFO));
        await().atMost(10, TimeUnit.SECONDS).until(subscription::isClosed);
        assertThat(fanout.subscriberCount()).isZero();
        subscription.close();
        assertThat(closedCalls.get()).isEqualTo(1);
    }

    @Test
    @DisplayName("close ends every subscription and refuses new ones")
    void closeEndsAll() {
        LogSubscription a = fanout.subscribe(LogQuery.all(), 1, m -> { });
        LogSubscription b = fanout.subscribe(LogQuery.all(), 1, m -> { });
        fanout.close();
        fanout.close();
        assertThat(a.isClosed()).isTrue();
        assertThat(b.isClosed()).isTrue();
        assertThat(fanout.subscriberCount()).isZero();
        assertThatThrownBy(() -> fanout.subscribe(LogQuery.all(), 1, m -> { }))
                .isInstanceOf(IllegalStateException.class);
        fanout.publish(stored(1, LogLevel.INFO)); // must not throw
    }

    @Test
    @DisplayName("rejects a buffer smaller than one")
    void rejectsBadBuffer() {
        assertThatThrownBy(() -> fanout.subscribe(LogQuery.all(), 0, m -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
    }
}

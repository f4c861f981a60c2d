package io.containerlogging.forward.syslog;

import static io.containerlogging.forward.syslog.HostileMessages.DEVICE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.containerlogging.core.LogMessage;
import io.containerlogging.forward.syslog.RsyslogServer.Received;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("SyslogSink against a real rsyslogd")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SyslogSinkRsyslogTest {

    private static final int BATCH = 500;

    @BeforeAll
    static void rsyslogInstalled() {
        RsyslogServer.assumeInstalled();
    }

    private static SyslogSink.Builder sinkTo(RsyslogServer server) {
        return SyslogSink.builder("127.0.0.1", server.port()).maxMessageSize(256 * 1024);
    }

    @Test
    @DisplayName("every line of a flood of 20 000, hostile ones included, arrives exactly as sent, with its MSGID and structured data")
    void floodArrivesExactly() throws Exception {
        int total = 20_000;
        try (RsyslogServer server = RsyslogServer.tcp(); SyslogSink sink = sinkTo(server).build()) {
            for (int from = 0; from < total; from += BATCH) {
                sink.deliver(HostileMessages.messages(from, Math.min(total, from + BATCH)));
            }
            List<Received> received = awaitCount(server, total);

            assertThat(received).hasSize(total);
            Map<String, Received> byId = new HashMap<>();
            for (Received r : received) {
                assertThat(byId.put(r.msgId(), r)).as("duplicate of %s", r.msgId()).isNull();
            }
            List<String> mismatches = new ArrayList<>();
            for (int n = 0; n < total; n++) {
                LogMessage sent = HostileMessages.message(n);
                Received r = byId.get(sent.id());
                if (r == null) {
                    mismatches.add(sent.id() + " missing");
                    continue;
                }
                Received expected = new Received(HostileMessages.expectedPri(n, SyslogSink.DEFAULT_FACILITY),
                        HostileMessages.expectedTimestamp(n), DEVICE, SyslogSink.DEFAULT_APP_NAME, "-", sent.id(),
                        HostileMessages.expectedStructuredData(sent), HostileMessages.expectedLine(n));
                if (!r.equals(expected)) {
                    mismatches.add(sent.id() + ": got " + abbreviate(r) + ", expected " + abbreviate(expected));
                }
            }
            assertThat(mismatches).isEmpty();
            assertThat(Rfc5424Encoder.utf8Length(byId.get("log-" + (HostileMessages.HUGE + 1)).msg()))
                    .isGreaterThanOrEqualTo(100 * 1024);
            assertThat(sink.truncatedMessages()).isZero();
            assertThat(sink.connections()).isEqualTo(1);
        }
    }

    @Test
    @DisplayName("a line over the maximum size arrives cut, with the marker, and the original size in the structured data")
    void longLineArrivesTruncated() throws Exception {
        try (RsyslogServer server = RsyslogServer.tcp();
                SyslogSink sink = SyslogSink.builder("127.0.0.1", server.port()).build()) {
            LogMessage huge = HostileMessages.message(HostileMessages.HUGE);
            sink.deliver(List.of(huge));
            Received r = awaitCount(server, 1).get(0);

            assertThat(r.msg().endsWith(Rfc5424Encoder.TRUNCATION_MARKER)).as("ends with the marker").isTrue();
            assertThat(r.msg().startsWith(huge.message().substring(0, 1000))).as("starts as the line").isTrue();
            assertThat(Rfc5424Encoder.utf8Length(r.msg())).isLessThan(SyslogSink.DEFAULT_MAX_MESSAGE_SIZE);
            assertThat(r.structuredData()).contains(" truncated=\"" + Rfc5424Encoder.utf8Length(huge.message()) + "\"");
            assertThat(sink.truncatedMessages()).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "over TLS: {0}")
    @ValueSource(booleans = {false, true})
    @DisplayName("rsyslogd stopped (SIGTERM) mid-flood: deliver throws while it is down, and after its restart every line is there, duplicates only from failed batches and the resend window")
    void receiverRestartedMidFlood(boolean tls, @TempDir Path dir) throws Exception {
        int total = 20_000;
        int batches = total / BATCH;
        RsyslogServer.Tls certificates = tls ? TestCertificates.create(dir, "restart CA") : null;
        try (RsyslogServer server = tls ? RsyslogServer.tls(certificates) : RsyslogServer.tcp();
                SyslogSink sink = (tls ? SyslogSink.builder("localhost", server.port()).tlsTrusting(certificates.caFile())
                        : SyslogSink.builder("127.0.0.1", server.port()))
                        .maxMessageSize(256 * 1024).connectTimeout(Duration.ofSeconds(2)).build()) {
            CountDownLatch quarter = new CountDownLatch(1);
            CountDownLatch stopped = new CountDownLatch(1);
            AtomicInteger failures = new AtomicInteger();
            Set<Integer> failedBatches = ConcurrentHashMap.newKeySet();
            AtomicReference<Throwable> floodError = new AtomicReference<>();
            Thread flood = new Thread(() -> {
                try {
                    for (int b = 0; b < batches; b++) {
                        if (b == batches / 4) {
                            quarter.countDown(); // and go on: the SIGTERM comes while batches are sent
                        }
                        if (b == batches - 1) {
                            stopped.await(); // however fast the rest went, the last batch meets a stopped rsyslogd
                        }
                        deliverUntilAccepted(sink, b, failures, failedBatches);
                    }
                } catch (Throwable e) {
                    floodError.set(e);
                }
            }, "flood");
            flood.start();

            assertThat(quarter.await(60, TimeUnit.SECONDS)).isTrue();
            server.stop(); // while the flood goes on
            stopped.countDown();
            await().atMost(Duration.ofSeconds(60)).until(() -> failures.get() >= 3);
            server.start();
            flood.join(TimeUnit.MINUTES.toMillis(3));
            assertThat(floodError.get()).isNull();
            assertThat(flood.isAlive()).isFalse();

            List<Received> received = awaitSettled(server, total);
            Set<String> ids = distinctIds(received);
            Map<Integer, Integer> missingPerBatch = new java.util.TreeMap<>();
            for (int n = 0; n < total; n++) {
                if (!ids.contains("log-" + (n + 1))) {
                    missingPerBatch.merge(n / BATCH, 1, Integer::sum);
                }
            }
            assertThat(missingPerBatch).as("missing lines per batch; failed batches %s", new java.util.TreeSet<>(failedBatches))
                    .isEmpty();
            Map<String, Integer> counts = new HashMap<>();
            for (Received r : received) {
                counts.merge(r.msgId(), 1, Integer::sum);
            }
            // duplicates come from batches delivered again after a failure, and from what the sink
            // resent after the connection ended (its resend window), nothing else
            long duplicates = received.size() - total;
            assertThat(duplicates).isLessThanOrEqualTo(failedBatches.size() * BATCH + sink.resentMessages());
            assertThat(counts.values()).allMatch(c -> c <= 3);
            assertThat(sink.connections()).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    @DisplayName("over TLS (gtls) with a throwaway CA, given as ?ca= in the URI, every line arrives")
    void tlsRoundTrip(@TempDir Path dir) throws Exception {
        RsyslogServer.Tls tls = TestCertificates.create(dir, "container-logging test CA");
        try (RsyslogServer server = RsyslogServer.tls(tls);
                SyslogSink sink = SyslogSink.fromUri(URI.create("syslog+tls://localhost:" + server.port()
                        + "?ca=" + tls.caFile() + "&maxMessageSize=262144"))) {
            assertThat(sink.target()).isEqualTo("syslog+tls://localhost:" + server.port());
            int total = 2_000;
            for (int from = 0; from < total; from += BATCH) {
                sink.deliver(HostileMessages.messages(from, from + BATCH));
            }
            List<Received> received = awaitCount(server, total);
            List<String> mismatches = new ArrayList<>();
            for (int n = 0; n < total; n++) {
                Received r = received.get(n);
                if (!r.msgId().equals("log-" + (n + 1)) || !r.msg().equals(HostileMessages.expectedLine(n))
                        || !r.structuredData().equals(HostileMessages.expectedStructuredData(HostileMessages.message(n)))) {
                    mismatches.add("#" + n + ": " + abbreviate(r));
                }
            }
            assertThat(mismatches).isEmpty();
        }
    }

    @Test
    @DisplayName("over TLS, a server whose certificate another CA signed is refused: deliver throws, nothing arrives")
    void tlsUntrustedServerRefused(@TempDir Path dir) throws Exception {
        RsyslogServer.Tls tls = TestCertificates.create(Files.createDirectory(dir.resolve("a")), "CA A");
        RsyslogServer.Tls other = TestCertificates.create(Files.createDirectory(dir.resolve("b")), "CA B");
        try (RsyslogServer server = RsyslogServer.tls(tls);
                SyslogSink sink = SyslogSink.builder("localhost", server.port()).tlsTrusting(other.caFile()).build()) {
            assertThatThrownBy(() -> sink.deliver(HostileMessages.messages(0, 10)))
                    .isInstanceOf(IOException.class)
                    .hasCauseInstanceOf(SSLHandshakeException.class)
                    .rootCause().hasMessageContaining("certification path");
            assertThat(server.received()).isEmpty();
        }
    }

    private static void deliverUntilAccepted(SyslogSink sink, int batch, AtomicInteger failures,
            Set<Integer> failedBatches) throws InterruptedException {
        List<LogMessage> messages = HostileMessages.messages(batch * BATCH, (batch + 1) * BATCH);
        while (true) {
            try {
                sink.deliver(messages);
                return;
            } catch (IOException e) {
                failures.incrementAndGet();
                failedBatches.add(batch);
                Thread.sleep(100); // the forwarder's pause before it delivers the batch again
            }
        }
    }

    /** A received message with its line cut to 200 chars, so that a failure report stays readable. */
    private static String abbreviate(Received r) {
        String msg = r.msg().length() > 200 ? r.msg().substring(0, 200) + "...(" + r.msg().length() + " chars)" : r.msg();
        return new Received(r.pri(), r.timestamp(), r.hostname(), r.appName(), r.procId(), r.msgId(),
                r.structuredData(), msg).toString();
    }

    private static Set<String> distinctIds(List<Received> received) {
        Set<String> ids = new java.util.HashSet<>();
        received.forEach(r -> ids.add(r.msgId()));
        return ids;
    }

    /** What arrived once {@code count} distinct ids did, or after a minute: the assertions then say what is missing. */
    private static List<Received> awaitSettled(RsyslogServer server, int count) throws IOException {
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> distinctIds(server.received()).size() >= count);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // fall through
        }
        return server.received();
    }

    private static List<Received> awaitCount(RsyslogServer server, int count) {
        AtomicReference<List<Received>> last = new AtomicReference<>(List.of());
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            last.set(server.received());
            return last.get().size() >= count;
        });
        return last.get();
    }
}

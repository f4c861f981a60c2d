package io.containerlogging.benchmarks;

import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogSource;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Realistic container messages for the benchmarks: 100-character texts, 50 services with one
 * container each, levels spread as in a typical service log (70% info, 15% debug, 10% warn, 5%
 * error), timestamps a microsecond apart from {@link #START}.
 *
 * <p>{@link #START} is the second in which this class was loaded, not a fixed date: a backend on
 * the system clock with the default 24 h retention keeps every sample message whatever day the
 * benchmark runs (a fixed start date made every message expire a day later, and the reload
 * benchmark reload none). Within one JVM (one JMH fork) all timestamps are fixed.
 */
final class SampleMessages {

    /** The number of distinct services (and containers). */
    static final int SERVICES = 50;
    /** The length of every message text. */
    static final int TEXT_LENGTH = 100;

    /** The timestamp of message 0: now, truncated to the second, when this class is loaded. */
    static final Instant START = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private static final LogLevel[] LEVELS = new LogLevel[20];

    static {
        for (int i = 0; i < LEVELS.length; i++) {
            LEVELS[i] = i < 14 ? LogLevel.INFO : i < 17 ? LogLevel.DEBUG : i < 19 ? LogLevel.WARN : LogLevel.ERROR;
        }
    }

    private SampleMessages() {
    }

    static String serviceName(int service) {
        return "service-" + service;
    }

    static String containerId(int service) {
        StringBuilder id = new StringBuilder(64);
        String hex = Integer.toHexString(service * 2_654_435 + 0x5bd1e995);
        while (id.length() < 64) {
            id.append(hex);
        }
        id.setLength(64);
        return id.toString();
    }

    /** A text of exactly {@link #TEXT_LENGTH} characters, different for every {@code i}. */
    static String text(long i) {
        StringBuilder text = new StringBuilder(TEXT_LENGTH);
        text.append("GET /api/v1/orders/").append(i).append(" 200 12ms user-agent=\"Mozilla/5.0 (X11; Linux x86_64)\" req=");
        while (text.length() < TEXT_LENGTH) {
            text.append('x');
        }
        text.setLength(TEXT_LENGTH);
        return text.toString();
    }

    /** The {@code i}-th message, without id. Every service gets every level in the same proportions. */
    static LogMessage message(long i) {
        int service = (int) (i % SERVICES);
        return new LogMessage(null, text(i), START.plusNanos(i * 1000), LEVELS[(int) ((i / SERVICES * 7 + i) % LEVELS.length)],
                LogSource.container(serviceName(service)), service + 1, serviceName(service),
                containerId(service), i % 10 == 0, false, null);
    }

    /** {@code count} distinct messages, for benchmarks that must not measure their creation. */
    static LogMessage[] messages(int count) {
        LogMessage[] messages = new LogMessage[count];
        for (int i = 0; i < count; i++) {
            messages[i] = message(i);
        }
        return messages;
    }
}

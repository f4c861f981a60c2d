package io.containerlogging.forward.syslog;

import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogSource;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Messages whose lines and labels try to break syslog framing and structured data, and what a
 * receiver must see for each: computed here independently of {@link Rfc5424Encoder}.
 */
final class HostileMessages {

    static final String DEVICE = "edge-7";
    static final String CONTAINER = "0123456789abcdef".repeat(4);
    static final Instant BASE = Instant.parse("2026-12-06T10:00:00Z");
    /** The index of the one line of 100 KB. */
    static final int HUGE = 1234;

    private HostileMessages() {
    }

    /** Message {@code n} (id {@code log-<n+1>}). */
    static LogMessage message(int n) {
        LogLevel level = LogLevel.values()[n % 4];
        String service = n % 7 == 0 ? "we]b \"quoted\" back\\slash" : "web";
        return LogMessage.builder()
                .id("log-" + (n + 1))
                .message(line(n))
                .timestamp(timestamp(n))
                .level(level)
                .source(LogSource.container(service))
                .serviceId(3)
                .serviceName(service)
                .containerId(CONTAINER)
                .stdErr(level == LogLevel.ERROR)
                .deviceId(DEVICE)
                .build();
    }

    static List<LogMessage> messages(int from, int to) {
        List<LogMessage> batch = new ArrayList<>(to - from);
        for (int n = from; n < to; n++) {
            batch.add(message(n));
        }
        return batch;
    }

    /**
     * The line of message {@code n}. None ends in a newline (rsyslog drops a trailing LF) or holds
     * NUL (rsyslog turns it into {@code #000} whatever the settings); both are documented.
     */
    static String line(int n) {
        if (n == HUGE) {
            return "huge " + "0123456789abcdé".repeat(100 * 1024 / 16);
        }
        switch (n % 10) {
            case 0:
                return "plain line " + n;
            case 1:
                return "multi\nline\r\nmessage " + n + "\n  at frame";
            case 2:
                return "brackets ] \" \\ [x] \\\" " + n;
            case 3:
                return "emoji \uD83D\uDE00 \u00fcn\u00efc\u00f6d\u00e9 \u65e5\u672c " + n;
            case 4:
                return "\tcontrol \u0001\u001b[31m colour\u007f " + n;
            case 5:
                return "  spaces around " + n + "  ";
            case 6:
                return n % 20 == 6 ? "" : "12 <34>1 - - - - a fake frame inside " + n;
            case 7:
                return "{\"json\":" + n + ",\"level\":\"error\",\"msg\":\"a]b\"}";
            case 8:
                return "lone \uD800 surrogate and \uDC00 low " + n;
            default:
                return "bom \uFEFF inside and a zero-width \u200B " + n;
        }
    }

    /** The line as a receiver must see it: lone surrogates as U+FFFD. */
    static String expectedLine(int n) {
        return line(n).replace('\uD800', '\uFFFD').replace('\uDC00', '\uFFFD');
    }

    /** Microseconds, milliseconds or whole seconds, by turns. */
    static Instant timestamp(int n) {
        Instant t = BASE.plusSeconds(n);
        switch (n % 3) {
            case 0:
                return t.plusNanos(1_001_000L * (n % 997));
            case 1:
                return t.plusMillis(n % 1000);
            default:
                return t;
        }
    }

    /** RFC 3339 as RFC 5424 wants it: zero, three or six digits of fraction. */
    static String expectedTimestamp(int n) {
        return DateTimeFormatter.ISO_INSTANT.format(timestamp(n));
    }

    static int expectedPri(int n, int facility) {
        int[] severities = {7, 6, 4, 3}; // DEBUG, INFO, WARN, ERROR
        return facility * 8 + severities[n % 4];
    }

    static String expectedStructuredData(LogMessage m) {
        StringBuilder b = new StringBuilder("[cl@32473");
        b.append(" container=\"").append(escape(m.containerId())).append('"');
        b.append(" service=\"").append(escape(m.serviceName())).append('"');
        b.append(" serviceId=\"").append(m.serviceId()).append('"');
        b.append(" device=\"").append(escape(m.deviceId())).append('"');
        if (m.isStdErr()) {
            b.append(" stream=\"stderr\"");
        }
        return b.append(']').toString();
    }

    /** RFC 5424 §6.3.3: '"', '\' and ']' are escaped with a backslash. */
    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("]", "\\]");
    }
}

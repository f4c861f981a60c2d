package io.containerlogging.forward.kafka;

import io.containerlogging.core.LogFields;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Stored messages (ids and a device id set) with hostile text, for the broker tests. */
final class Flood {

    private static final String[] HOSTILE = {
        "plain line",
        "two\nlines\r\nand a CR\r",
        "quotes \" and \\ backslashes \\\" and {\"json\":\"inside\"}",
        "emoji \uD83D\uDE80\uD83D\uDD25 and accents é ü ß and CJK 日本語",
        "control \u0000\u0001\u001b[31mred\u001b[0m\t tab",
        "line separators \u2028 \u2029 and a replacement \uFFFD end",
        "",
        "key=value level=error msg=\"logfmt\"",
    };

    private Flood() {
    }

    /**
     * {@code count} messages {@code log-<first>}... of {@code device}, cycling through hostile texts;
     * every message whose number is in {@code large} gets a text of {@code largeChars} characters.
     */
    static List<LogMessage> messages(String device, long first, int count, List<Long> large, int largeChars) {
        List<LogMessage> messages = new ArrayList<>(count);
        Instant base = Instant.parse("2026-01-02T03:04:05.123456789Z");
        for (long n = first; n < first + count; n++) {
            String text = large.contains(n)
                    ? repeat("big \" \uD83D\uDE80 line " + n + " ", largeChars)
                    : HOSTILE[(int) (n % HOSTILE.length)] + " #" + n;
            LogMessage.Builder builder = LogMessage.builder()
                    .id("log-" + n)
                    .message(text)
                    .timestamp(base.plusNanos(n * 1_001))
                    .level(LogLevel.values()[(int) (n % LogLevel.values().length)])
                    .deviceId(device);
            if (n % 3 == 0) {
                builder.source(LogSource.container("web")).serviceId(1).serviceName("web")
                        .containerId("c0ffee" + n).stdErr(n % 2 == 0)
                        .fields(LogFields.builder().put("port", n).put("path", "/a\"b\n").put("ok", true).build());
            }
            messages.add(builder.build());
        }
        return messages;
    }

    private static String repeat(String unit, int chars) {
        StringBuilder text = new StringBuilder(chars + unit.length());
        while (text.length() < chars) {
            text.append(unit);
        }
        text.setLength(chars);
        if (Character.isHighSurrogate(text.charAt(chars - 1))) {
            text.setCharAt(chars - 1, '.');
        }
        return text.toString();
    }
}

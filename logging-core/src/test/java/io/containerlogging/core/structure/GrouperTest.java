package io.containerlogging.core.structure;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class GrouperTest {

    record Out(Instant timestamp, String text, int lines) {
    }

    private final List<Out> out = new ArrayList<>();
    private Instant time = Instant.parse("2024-01-15T10:00:00Z");
    private long nanos;

    private StructureStage.Grouper grouper(StructureOptions options) {
        return new StructureStage(options).grouper("svc", (t, text, lines) -> out.add(new Out(t, text, lines)));
    }

    private void feed(StructureStage.Grouper grouper, String... lines) {
        for (String line : lines) {
            time = time.plusNanos(1000);
            nanos += 1000;
            grouper.add(time, line, nanos);
        }
    }

    @Test
    @DisplayName("a Java trace with Caused by, Suppressed and '... N more' is one message stamped with its last line's time")
    void java() {
        StructureStage.Grouper g = grouper(StructureOptions.defaults());
        feed(g, "2024-01-15 ERROR [main] c.e.App - failed", "java.lang.IllegalStateException: boom",
                "\tat a.B.c(B.java:1)", "\tSuppressed: java.io.IOException: x", "\t\t... 1 more",
                "Caused by: java.io.EOFException", "\tat d.E.f(E.java:2)", "\t... 3 more");
        Instant last = time;
        feed(g, "2024-01-15 INFO [main] c.e.App - next");
        g.flush();
        assertThat(out).hasSize(2);
        assertThat(out.get(0).lines()).isEqualTo(8);
        assertThat(out.get(0).timestamp()).isEqualTo(last);
        assertThat(out.get(0).text()).startsWith("2024-01-15 ERROR").endsWith("\t... 3 more");
        assertThat(out.get(1).text()).isEqualTo("2024-01-15 INFO [main] c.e.App - next");
    }

    @Test
    @DisplayName("a Python traceback ends with, and includes, its exception line")
    void python() {
        StructureStage.Grouper g = grouper(StructureOptions.defaults());
        feed(g, "Traceback (most recent call last):", "  File \"a.py\", line 1, in <module>", "    f()",
                "ValueError: bad", "next line");
        g.flush();
        assertThat(out).extracting(Out::lines).containsExactly(4, 1);
    }

    @Test
    @DisplayName("a Go panic with blank lines and goroutines is one message")
    void go() {
        StructureStage.Grouper g = grouper(StructureOptions.defaults());
        feed(g, "panic: boom", "", "goroutine 1 [running]:", "main.main()", "\t/app/main.go:12 +0x45",
                "exit status 2", "2024/01/15 restarted");
        g.flush();
        assertThat(out).extracting(Out::lines).containsExactly(6, 1);
    }

    @Test
    @DisplayName("an info line is not joined by the trace that follows it, a held line waits for the flush timeout")
    void timeout() {
        StructureStage.Grouper g = grouper(StructureOptions.builder().flushTimeout(Duration.ofMillis(200)).build());
        feed(g, "INFO started", "java.lang.RuntimeException: x", "\tat a.B.c(B.java:1)");
        assertThat(out).extracting(Out::text).containsExactly("INFO started");
        assertThat(g.flushIfIdle(nanos + 199_999_999)).isFalse();
        assertThat(g.isPending()).isTrue();
        assertThat(g.flushIfIdle(nanos + 200_000_000)).isTrue();
        assertThat(out).hasSize(2);
        assertThat(g.isPending()).isFalse();
    }

    @Test
    @DisplayName("groups are cut at maxGroupLines and maxGroupBytes")
    void bounded() {
        StructureStage.Grouper g = grouper(StructureOptions.builder().maxGroupLines(3).build());
        feed(g, "x", " 1", " 2", " 3", " 4");
        g.flush();
        assertThat(out).extracting(Out::lines).containsExactly(3, 2);
        out.clear();
        StructureStage.Grouper bytes = grouper(StructureOptions.builder().maxGroupBytes(11).build());
        feed(bytes, "12345", " 6789", " abc");
        bytes.flush();
        assertThat(out).extracting(Out::text).containsExactly("12345\n 6789", " abc");
    }

    @Test
    @DisplayName("a line stamped no later than the group's last line starts a new message, so checkpoints count exactly")
    void sameTimestamp() {
        StructureStage.Grouper g = grouper(StructureOptions.defaults());
        Instant t = Instant.parse("2024-01-15T10:00:00Z");
        g.add(t, "java.lang.IllegalStateException: boom", 1);
        g.add(t.plusNanos(1), "\tat a.B.c(B.java:1)", 2);
        g.add(t.plusNanos(1), "\tat a.B.d(B.java:2)", 3);
        g.flush();
        assertThat(out).extracting(Out::lines).containsExactly(2, 1);
        assertThat(out).extracting(Out::timestamp).containsExactly(t.plusNanos(1), t.plusNanos(1));
    }

    @Test
    @DisplayName("turned off for a service, lines pass straight through")
    void perService() {
        StructureStage stage = new StructureStage(StructureOptions.builder().multiline(s -> !s.equals("svc")).build());
        StructureStage.Grouper off = stage.grouper("svc", (t, text, lines) -> out.add(new Out(t, text, lines)));
        assertThat(off.isEnabled()).isFalse();
        feed(off, "java.lang.IllegalStateException: boom", "\tat a.B.c(B.java:1)");
        assertThat(out).hasSize(2);
        assertThat(stage.grouper("other", (t, text, lines) -> { }).isEnabled()).isTrue();
        assertThat(stage.grouper(null, (t, text, lines) -> { }).isEnabled()).isTrue();
    }

    @Test
    @DisplayName("a private-key block printed line by line becomes one message, which redaction then replaces whole")
    void privateKey() {
        StructureStage stage = new StructureStage(StructureOptions.builder().redaction(RedactionRule.BUILT_IN).build());
        StructureStage.Grouper g = stage.grouper("svc", (t, text, lines) -> out.add(new Out(t, text, lines)));
        feed(g, "-----BEGIN PRIVATE KEY-----", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", "abcdef",
                "-----END PRIVATE KEY-----", "after");
        g.flush();
        assertThat(out).extracting(Out::lines).containsExactly(4, 1);
        assertThat(stage.apply(StructureStageTest.line(out.get(0).text(), false)).message())
                .isEqualTo("-----BEGIN PRIVATE KEY-----[REDACTED]-----END PRIVATE KEY-----");
    }
}

package io.containerlogging.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} at random moments during a flood, round after round, on one log directory: the
 * durable state (read checkpoints, reserved ids, the files) must leave every line stored exactly
 * once and never let one id name two messages. Rounds: {@code -Dcrashloop.rounds} (default 20).
 */
@Tag("crash")
@Timeout(600)
class CrashLoopTest {

    private static final int RING = 500; // far fewer than a round writes: the ring evicts

    @TempDir
    Path dir;

    @Test
    @DisplayName("kill -9 at random moments: every line exactly once, no id names two messages, every start clean")
    void crashLoop() throws Exception {
        crashLoop(false);
    }

    @Test
    @DisplayName("with durable reads, kill -9 at random moments: every id a subscriber was served is stored with its line")
    void crashLoopServingOnlyDurable() throws Exception {
        crashLoop(true);
    }

    private void crashLoop(boolean durable) throws Exception {
        int rounds = Integer.getInteger("crashloop.rounds", 20);
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Random random = new Random(Long.getLong("crashloop.seed", System.nanoTime()));
        Map<String, Long> served = new HashMap<>(); // id -> line, as seen by a client of any round
        List<Long> resumedAt = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            Process child = new ProcessBuilder(javaBinary(), "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                    CrashChild.class.getName(), dir.toString(), t0.toString(), Integer.toString(RING),
                    durable ? "durable" : "immediate")
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
                String ready = out.readLine();
                assertThat(ready).as("round %d starts cleanly", round).startsWith("ready ");
                resumedAt.add(Long.parseLong(ready.substring(6)));
                long killAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100 + random.nextInt(900));
                String line;
                while (System.nanoTime() < killAt && (line = out.readLine()) != null) {
                    record(served, line, round);
                }
            } finally {
                child.destroyForcibly(); // SIGKILL: no shutdown hook, no close, no flush
                assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
        }

        List<LogMessage> stored = readAllFiles();
        Map<String, LogMessage> byId = new HashMap<>();
        long[] seen = new long[stored.size() + 2];
        long highestLine = 0;
        for (LogMessage message : stored) {
            assertThat(byId.put(message.id(), message)).as("id %s stored twice", message.id()).isNull();
            if (message.isSystem()) {
                continue;
            }
            long line = Long.parseLong(message.message().substring("line-".length()));
            assertThat(line).isLessThan(seen.length);
            seen[(int) line]++;
            highestLine = Math.max(highestLine, line);
            assertThat(message.timestamp()).isEqualTo(CrashChild.timestamp(t0, line));
        }
        for (int line = 1; line <= highestLine; line++) {
            assertThat(seen[line]).as("line-%d is stored exactly once", line).isEqualTo(1);
        }
        if (durable) {
            assertThat(served).as("subscribers were served").isNotEmpty();
        }
        for (Map.Entry<String, Long> entry : served.entrySet()) {
            LogMessage message = byId.get(entry.getKey());
            if (durable) {
                // What was served was on the device: a crash cannot take it back, so the line is
                // never read again under another id, and a client resuming by id sees it once.
                assertThat(message).as("served id %s (line-%d) is stored", entry.getKey(), entry.getValue()).isNotNull();
            }
            if (message != null) {
                assertThat(message.message()).as("served id %s names the line it named when served", entry.getKey())
                        .isEqualTo("line-" + entry.getValue());
            }
        }
        assertThat(highestLine).as("the rounds made progress").isGreaterThan(rounds);
        Instant newest = CrashChild.timestamp(t0, highestLine);
        String newestText = "line-" + highestLine;

        // A last, clean start sees the same and reports torn lines instead of failing.
        LocalLogBackend last = LocalLogBackend.builder().enableFilePersistence(true).logDir(dir).maxLogs(RING).build();
        try {
            last.initialize();
            assertThat(last.readPosition(CrashChild.CONTAINER, false)).hasValueSatisfying(position ->
                    assertThat(position.timestamp()).isEqualTo(newest));
            assertThat(last.getLogs(LogQuery.builder().containerId(CrashChild.CONTAINER).limit(1).build()))
                    .singleElement().extracting(LogMessage::message).isEqualTo(newestText);
        } finally {
            last.close();
        }
    }

    private static void record(Map<String, Long> served, String line, int round) {
        int space = line.indexOf(' ');
        if (space < 0 || !line.startsWith("log-")) {
            return; // a line cut by the kill
        }
        String id = line.substring(0, space);
        long number;
        try {
            number = Long.parseLong(line.substring(space + 1));
        } catch (NumberFormatException e) {
            return; // cut by the kill
        }
        Long before = served.put(id, number);
        assertThat(before == null || before == number).as("round %d: id %s served for line %d and for line %d",
                round, id, before, number).isTrue();
    }

    private List<LogMessage> readAllFiles() throws IOException {
        List<LogFiles.LogFile> files = LogFiles.list(dir);
        List<LogMessage> all = new ArrayList<>();
        FileReload.reload(List.of(files), Integer.MAX_VALUE, m -> Instant.EPOCH, Removals.NONE, Long.MAX_VALUE, m -> { },
                Thread::new)
                .messages().forEach(all::add);
        return all;
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

}

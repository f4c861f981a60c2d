package io.containerlogging.core.structure;

import static org.assertj.core.api.Assertions.assertThat;

import io.containerlogging.core.LevelSource;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Measures level detection and multiline grouping against the labelled corpus
 * ({@code src/test/resources/structure/corpus.txt}): each producer's lines go, in order and per
 * stream, through a grouper and the stage with default options; every expected message must come
 * out whole (grouping) and with its expected level. The table it prints is the one published in
 * docs/structure.md (also written to target/structure-accuracy.md).
 */
class CorpusAccuracyTest {

    record Expected(String producer, boolean stdErr, LogLevel level, String text, int lines) {
    }

    record Actual(boolean stdErr, LogMessage message) {
    }

    static final class Tally {
        int messages;
        int lines;
        int levelRight;
        int grouped;
        final List<String> misses = new ArrayList<>();
    }

    @Test
    @DisplayName("the corpus is levelled and grouped at least 97 % right, and no info line is made an error by its content")
    void accuracy() throws IOException {
        Map<String, List<Expected>> corpus = load();
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(12);
        Map<String, Tally> tallies = new LinkedHashMap<>();
        Tally total = new Tally();
        List<String> contentErrors = new ArrayList<>();
        for (Map.Entry<String, List<Expected>> producer : corpus.entrySet()) {
            Tally tally = new Tally();
            tallies.put(producer.getKey(), tally);
            List<Actual> actual = run(producer.getValue());
            Map<String, List<LogMessage>> byText = new HashMap<>();
            for (Actual a : actual) {
                byText.computeIfAbsent((a.stdErr() ? "err:" : "out:") + a.message().message(), k -> new ArrayList<>())
                        .add(a.message());
            }
            for (Expected e : producer.getValue()) {
                tally.messages++;
                tally.lines += e.lines();
                List<LogMessage> found = byText.get((e.stdErr() ? "err:" : "out:") + e.text());
                LogMessage got = found == null || found.isEmpty() ? null : found.remove(0);
                if (got == null) {
                    tally.misses.add("not grouped as expected: " + abbreviate(e.text()));
                    continue;
                }
                tally.grouped++;
                if (got.level() == e.level()) {
                    tally.levelRight++;
                } else {
                    tally.misses.add(got.level().wireName() + " (" + got.levelSource().wireName() + ") instead of "
                            + e.level().wireName() + ": " + abbreviate(e.text()));
                    if (got.level() == LogLevel.ERROR && e.level() != LogLevel.ERROR
                            && got.levelSource() != LevelSource.STREAM) {
                        contentErrors.add(e.text());
                    }
                }
            }
            total.messages += tally.messages;
            total.lines += tally.lines;
            total.levelRight += tally.levelRight;
            total.grouped += tally.grouped;
            total.misses.addAll(tally.misses);
        }
        String table = table(tallies, total);
        System.out.println(table);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "structure-accuracy.md"), table);

        assertThat(total.lines).as("corpus lines").isGreaterThanOrEqualTo(400);
        assertThat(contentErrors).as("lines made errors by their content though not errors").isEmpty();
        assertThat(percent(total.levelRight, total.messages)).as("level accuracy; misses:\n"
                + String.join("\n", total.misses)).isGreaterThanOrEqualTo(97.0);
        assertThat(percent(total.grouped, total.messages)).as("grouping accuracy; misses:\n"
                + String.join("\n", total.misses)).isGreaterThanOrEqualTo(97.0);
    }

    private static List<Actual> run(List<Expected> records) {
        StructureStage stage = new StructureStage(StructureOptions.defaults());
        List<Actual> out = new ArrayList<>();
        StructureStage.Grouper[] groupers = new StructureStage.Grouper[2];
        for (int s = 0; s < 2; s++) {
            boolean stdErr = s == 1;
            groupers[s] = stage.grouper("svc", (timestamp, text, lines) -> out.add(new Actual(stdErr,
                    stage.apply(new LogMessage(null, text, timestamp, stdErr ? LogLevel.ERROR : LogLevel.INFO,
                            LogSource.container("svc"), null, "svc", "c1", stdErr, false, null)))));
        }
        Instant time = Instant.parse("2024-01-15T10:00:00Z");
        long nanos = 0;
        for (Expected record : records) {
            for (String line : record.text().split("\n", -1)) {
                time = time.plusMillis(1);
                nanos += 1_000;
                groupers[record.stdErr() ? 1 : 0].add(time, line, nanos);
            }
        }
        groupers[0].flush();
        groupers[1].flush();
        return out;
    }

    static Map<String, List<Expected>> load() throws IOException {
        String text;
        try (InputStream in = CorpusAccuracyTest.class.getResourceAsStream("/structure/corpus.txt")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, List<Expected>> corpus = new LinkedHashMap<>();
        String producer = null;
        boolean stdErr = false;
        LogLevel level = null;
        List<String> lines = new ArrayList<>();
        for (String line : (text + "\n== end").split("\n", -1)) {
            if (line.startsWith("## ")) {
                continue;
            }
            boolean header = line.startsWith("== ") || line.startsWith("> ");
            if (header && level != null) {
                while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
                    lines.remove(lines.size() - 1);
                }
                corpus.computeIfAbsent(producer, k -> new ArrayList<>())
                        .add(new Expected(producer, stdErr, level, String.join("\n", lines), lines.size()));
                level = null;
            }
            if (line.startsWith("== ")) {
                producer = line.substring(3).trim();
            } else if (line.startsWith("> ")) {
                String[] parts = line.substring(2).trim().split(" ");
                stdErr = parts[0].equals("err");
                level = LogLevel.fromWireName(parts[1]);
                lines.clear();
            } else if (level != null) {
                lines.add(line);
            }
        }
        corpus.remove("end");
        return corpus;
    }

    private static String table(Map<String, Tally> tallies, Tally total) {
        StringBuilder out = new StringBuilder("| producer | lines | messages | level right | grouped right |\n"
                + "|---|---:|---:|---:|---:|\n");
        tallies.forEach((name, t) -> row(out, name, t));
        row(out, "**all**", total);
        out.append("\nMisses:\n");
        for (String miss : total.misses) {
            out.append("- ").append(miss.replace("|", "\\|")).append('\n');
        }
        return out.toString();
    }

    private static void row(StringBuilder out, String name, Tally t) {
        out.append(String.format(Locale.ROOT, "| %s | %d | %d | %.1f %% | %.1f %% |%n", name, t.lines, t.messages,
                percent(t.levelRight, t.messages), percent(t.grouped, t.messages)));
    }

    private static double percent(int part, int whole) {
        return whole == 0 ? 100.0 : 100.0 * part / whole;
    }

    private static String abbreviate(String text) {
        String first = text.replace("\u001b", "\\e").split("\n")[0];
        return first.length() > 110 ? first.substring(0, 110) + "…" : first;
    }
}

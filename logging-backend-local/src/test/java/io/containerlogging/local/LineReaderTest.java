package io.containerlogging.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LineReaderTest {

    private static List<String> lines(String text, int maxLineChars) throws IOException {
        List<String> lines = new ArrayList<>();
        try (LogFiles.LineReader reader = new LogFiles.LineReader(new StringReader(text), maxLineChars)) {
            String line;
            while ((line = reader.next()) != null) {
                lines.add(line == LogFiles.LineReader.TOO_LONG ? "<TOO LONG>" : line);
            }
        }
        return lines;
    }

    @Test
    @DisplayName("splits on LF and CRLF and keeps empty lines")
    void splits() throws IOException {
        assertThat(lines("a\nbb\r\n\nccc\n", 100)).containsExactly("a", "bb", "", "ccc");
    }

    @Test
    @DisplayName("returns a last line without newline (a torn write)")
    void lastLineWithoutNewline() throws IOException {
        assertThat(lines("a\n{\"id\":\"log-2\",\"mess", 100)).containsExactly("a", "{\"id\":\"log-2\",\"mess");
        assertThat(lines("", 100)).isEmpty();
    }

    @Test
    @DisplayName("replaces a line above the limit by a marker and carries on (regression: OOM on a huge garbage file)")
    void tooLong() throws IOException {
        assertThat(lines("ok\n" + "x".repeat(50) + "\nfine\n" + "y".repeat(11), 10))
                .containsExactly("ok", "<TOO LONG>", "fine", "<TOO LONG>");
    }

    @Test
    @DisplayName("reads lines longer than its 64 KiB buffer")
    void longLines() throws IOException {
        String big = "z".repeat(200_000);
        assertThat(lines(big + "\nend", 1_000_000)).containsExactly(big, "end");
    }
}

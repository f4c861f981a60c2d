package io.containerlogging.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * README.md quotes the embedding examples; this keeps every quote identical to the compiled,
 * tested source, so the README cannot rot.
 */
class ReadmeSnippetsTest {

    @ParameterizedTest(name = "README quotes the {0} snippet of {1} verbatim")
    @CsvSource({
        "programmatic, ProgrammaticUsage.java",
        "mount, MountOnExistingServer.java",
        "lean, LeanMonitor.java",
    })
    void readmeQuotesSource(String snippet, String file) throws IOException {
        Path source = Path.of("src/main/java/io/containerlogging/examples", file);
        List<String> lines = Files.readAllLines(source);
        List<String> body = new ArrayList<>();
        boolean inside = false;
        for (String line : lines) {
            if (line.strip().equals("// snippet:end " + snippet)) {
                inside = false;
            }
            if (inside) {
                body.add(line);
            }
            if (line.strip().equals("// snippet:start " + snippet)) {
                inside = true;
            }
        }
        assertThat(body).as("snippet %s in %s", snippet, file).isNotEmpty();
        int indent = body.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        String expected = String.join("\n", body.stream()
                .map(l -> l.isBlank() ? "" : l.substring(indent)).toList());
        String readme = Files.readString(Path.of("..", "README.md"));
        assertThat(readme).as("README.md must quote snippet '%s' exactly", snippet).contains(expected);
    }
}

package io.containerlogging.core.structure;

import static org.assertj.core.api.Assertions.assertThat;

import io.containerlogging.core.LevelSource;
import io.containerlogging.core.LogFields;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogSource;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class StructureStageTest {

    private static final Instant T = Instant.parse("2024-01-15T10:00:00.123456789Z");
    private final StructureStage stage = new StructureStage(StructureOptions.defaults());

    static LogMessage line(String text, boolean stdErr) {
        return new LogMessage(null, text, T, stdErr ? LogLevel.ERROR : LogLevel.INFO, LogSource.container("svc"),
                null, "svc", "c1", stdErr, false, null);
    }

    @Nested
    @DisplayName("JSON lines")
    class Json {
        @Test
        @DisplayName("become fields with dotted paths; the text and the time stay as read")
        void flattened() {
            String text = "{\"level\":\"warn\",\"msg\":\"slow\",\"http\":{\"status\":500,\"ok\":false},"
                    + "\"took\":1.50,\"tags\":[\"a\",\"b\"],\"none\":null}";
            LogMessage out = stage.apply(line(text, false));
            assertThat(out.message()).isEqualTo(text);
            assertThat(out.timestamp()).isEqualTo(T);
            assertThat(out.level()).isEqualTo(LogLevel.WARN);
            assertThat(out.levelSource()).isEqualTo(LevelSource.JSON);
            assertThat(out.fields().asMap()).containsExactly(
                    java.util.Map.entry("level", "warn"), java.util.Map.entry("msg", "slow"),
                    java.util.Map.entry("http.status", 500L), java.util.Map.entry("http.ok", false),
                    java.util.Map.entry("took", new BigDecimal("1.50")), java.util.Map.entry("tags.0", "a"),
                    java.util.Map.entry("tags.1", "b"));
        }

        @Test
        @DisplayName("that are not one object (array, string, number, trailing text, broken) stay plain text")
        void notObjects() {
            for (String text : List.of("[1,2,3]", "\"just a string\"", "42", "{\"a\":1} trailing", "{\"a\":",
                    "{a:1}", "{\"a\":1}{\"b\":2}")) {
                LogMessage out = stage.apply(line(text, false));
                assertThat(out.fields().isEmpty()).as(text).isTrue();
                assertThat(out.levelSource()).as(text).isEqualTo(LevelSource.STREAM);
            }
        }

        @Test
        @DisplayName("are bounded: deep nesting is cut at maxDepth, hostile nesting gives no fields and no exception")
        void deep() {
            StructureStage shallow = new StructureStage(StructureOptions.builder().maxDepth(2).build());
            LogMessage out = shallow.apply(line("{\"a\":{\"b\":{\"c\":1},\"d\":2},\"e\":3}", false));
            assertThat(out.fields().asMap()).containsOnlyKeys("a.d", "e");

            String hostile = "{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000);
            LogMessage deep = new StructureStage(StructureOptions.builder().maxParsedLength(1 << 20).build())
                    .apply(line(hostile, true));
            assertThat(deep.fields().isEmpty()).isTrue();
            assertThat(deep.level()).isEqualTo(LogLevel.ERROR);
        }

        @Test
        @DisplayName("give at most maxFields fields")
        void manyFields() {
            StringBuilder text = new StringBuilder("{");
            for (int i = 0; i < 1000; i++) {
                text.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
            }
            LogMessage out = stage.apply(line(text.append('}').toString(), false));
            assertThat(out.fields().size()).isEqualTo(StructureOptions.DEFAULT_MAX_FIELDS);
        }

        @Test
        @DisplayName("keep replacement characters from invalid UTF-8 as text")
        void replacementCharacters() {
            LogMessage out = stage.apply(line("{\"level\":\"error\",\"msg\":\"bad \uFFFD\uFFFD bytes\"}", false));
            assertThat(out.fields().get("msg")).isEqualTo("bad \uFFFD\uFFFD bytes");
            assertThat(out.level()).isEqualTo(LogLevel.ERROR);
        }

        @Test
        @DisplayName("a 1 MB line is not parsed (maxParsedLength) and keeps its text")
        void huge() {
            String text = "{\"level\":\"warn\",\"msg\":\"" + "x".repeat(1 << 20) + "\"}";
            LogMessage out = stage.apply(line(text, false));
            assertThat(out.message()).isSameAs(text);
            assertThat(out.fields().isEmpty()).isTrue();
            assertThat(out.levelSource()).isEqualTo(LevelSource.TEXT); // "level":"warn" in the head
            assertThat(out.level()).isEqualTo(LogLevel.WARN);
        }

        @Test
        @DisplayName("pino and bunyan numbers name levels: 20 debug, 30 info, 40 warn, 50 error, 60 fatal as error")
        void numbers() {
            assertThat(stage.apply(line("{\"level\":20,\"msg\":\"x\"}", false)).level()).isEqualTo(LogLevel.DEBUG);
            assertThat(stage.apply(line("{\"level\":30,\"msg\":\"x\"}", true)).level()).isEqualTo(LogLevel.INFO);
            assertThat(stage.apply(line("{\"level\":40,\"msg\":\"x\"}", false)).level()).isEqualTo(LogLevel.WARN);
            assertThat(stage.apply(line("{\"level\":60,\"msg\":\"x\"}", false)).level()).isEqualTo(LogLevel.ERROR);
            assertThat(stage.apply(line("{\"severity\":\"CRITICAL\"}", false)).level()).isEqualTo(LogLevel.ERROR);
            assertThat(stage.apply(line("{\"@l\":\"Verbose\"}", false)).level()).isEqualTo(LogLevel.DEBUG);
            assertThat(stage.apply(line("{\"log\":{\"level\":\"notice\"}}", true)).level()).isEqualTo(LogLevel.INFO);
        }
    }

    @Nested
    @DisplayName("logfmt lines")
    class LogfmtLines {
        @Test
        @DisplayName("become fields, quoted values unescaped")
        void parsed() {
            LogMessage out = stage.apply(line("ts=2024-01-15T10:00:00Z level=error msg=\"db \\\"main\\\" down\" port=5432",
                    false));
            assertThat(out.fields().asMap()).containsEntry("msg", "db \"main\" down").containsEntry("port", "5432");
            assertThat(out.level()).isEqualTo(LogLevel.ERROR);
            assertThat(out.levelSource()).isEqualTo(LevelSource.LOGFMT);
        }

        @Test
        @DisplayName("prose with an equals sign is not logfmt")
        void prose() {
            for (String text : List.of("x=1 is the answer", "a=1", "key=\"unterminated", "Started in 3s with debug=true")) {
                assertThat(stage.apply(line(text, false)).fields().isEmpty()).as(text).isTrue();
            }
        }
    }

    @Nested
    @DisplayName("levels from text")
    class TextLevelsTest {
        @Test
        @DisplayName("an info line that mentions errors is never an error")
        void mentions() {
            for (String text : List.of("processed 10 items, 0 errors", "flush done error_count=0",
                    "retrying after error", "INFO export: 3 errors skipped, ERROR column ignored",
                    "level=info msg=\"0 errors\" error_count=0", "{\"level\":\"info\",\"msg\":\"error budget ok\"}",
                    "2024-01-15 10:00:00 GET /api/errors 200")) {
                LogMessage out = stage.apply(line(text, false));
                assertThat(out.level()).as(text).isEqualTo(LogLevel.INFO);
            }
        }

        @Test
        @DisplayName("conventions from many producers name their levels")
        void conventions() {
            assertLevel("E0806 10:00:00.000000       1 main.go:1] boom", LogLevel.ERROR);
            assertLevel("W0806 10:00:00.000000       1 main.go:1] hm", LogLevel.WARN);
            assertLevel("[ERROR] failed", LogLevel.ERROR);
            assertLevel("WARN  something odd", LogLevel.WARN);
            assertLevel("ERROR:root:bad", LogLevel.ERROR);
            assertLevel("2024-01-15 10:00:00.123 ERROR [main] c.e.App - failed", LogLevel.ERROR);
            assertLevel("2024/01/15 10:00:00 [warn] 7#7: low disk", LogLevel.WARN);
            assertLevel("2024-01-15 10:00:00.123 UTC [1] LOG:  ready", LogLevel.INFO);
            assertLevel("1:M 15 Jan 2024 10:00:00.123 # oops", LogLevel.WARN);
            assertLevel("1:M 15 Jan 2024 10:00:00.123 . tick", LogLevel.DEBUG);
            assertLevel("[Mon Jan 15 10:00:00 2024] [core:crit] [pid 1] x", LogLevel.ERROR);
            assertLevel("<12>Jan 15 10:00:00 host app: x", LogLevel.WARN);
            assertLevel("ERRO[0002] failed", LogLevel.ERROR);
            assertLevel("trce: Cache[0]", LogLevel.DEBUG);
            assertLevel("\u001b[31mFATAL\u001b[0m gone", LogLevel.ERROR);
            assertLevel("2024-01-15 10:00:00 level=TRACE msg=x", LogLevel.DEBUG);
        }

        @Test
        @DisplayName("nothing found: the stream decides, stdout info and stderr error")
        void stream() {
            LogMessage out = stage.apply(line("hello world", true));
            assertThat(out.level()).isEqualTo(LogLevel.ERROR);
            assertThat(out.levelSource()).isEqualTo(LevelSource.STREAM);
            assertThat(stage.apply(line("hello world", false)).level()).isEqualTo(LogLevel.INFO);
        }

        @Test
        @DisplayName("turned off, the stream decides even for a JSON level")
        void off() {
            StructureStage plain = new StructureStage(StructureOptions.builder().levels(false).build());
            LogMessage out = plain.apply(line("{\"level\":\"debug\"}", true));
            assertThat(out.level()).isEqualTo(LogLevel.ERROR);
            assertThat(out.levelSource()).isEqualTo(LevelSource.STREAM);
            assertThat(out.fields().get("level")).isEqualTo("debug");
            LogMessage none = new StructureStage(StructureOptions.off()).apply(line("{\"level\":\"debug\"}", true));
            assertThat(none.fields().isEmpty()).isTrue();
        }

        private void assertLevel(String text, LogLevel level) {
            LogMessage out = stage.apply(line(text, true));
            assertThat(out.level()).as(text).isEqualTo(level);
            assertThat(out.levelSource()).as(text).isEqualTo(LevelSource.TEXT);
        }
    }

    @Nested
    @DisplayName("redaction")
    class Redaction {
        private final StructureStage redacting = new StructureStage(StructureOptions.builder()
                .redaction(List.of(RedactionRule.BEARER_TOKEN, RedactionRule.URL_PASSWORD, RedactionRule.AWS_ACCESS_KEY,
                        RedactionRule.PRIVATE_KEY, RedactionRule.of("card", "\\b\\d{4}-\\d{4}-\\d{4}-(\\d{4})\\b",
                                "****-$1")))
                .build());

        @Test
        @DisplayName("the built-ins replace bearer tokens, URL passwords, AWS keys and private-key blocks, counted per rule")
        void builtIns() {
            assertThat(redacting.apply(line("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig", false)).message())
                    .isEqualTo("Authorization: Bearer [REDACTED]");
            assertThat(redacting.apply(line("connecting to postgres://app:s3cr3t@db:5432/app", false)).message())
                    .isEqualTo("connecting to postgres://app:[REDACTED]@db:5432/app");
            assertThat(redacting.apply(line("key AKIAIOSFODNN7EXAMPLE in use", false)).message())
                    .isEqualTo("key [REDACTED] in use");
            String pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\nabcd\n-----END RSA PRIVATE KEY-----";
            assertThat(redacting.apply(line("key: " + pem + " done", false)).message())
                    .isEqualTo("key: -----BEGIN RSA PRIVATE KEY-----[REDACTED]-----END RSA PRIVATE KEY----- done");
            assertThat(redacting.apply(line("paid with 4111-1111-1111-1234", false)).message())
                    .isEqualTo("paid with ****-1234");
            assertThat(redacting.redactions()).containsEntry("bearer-token", 1L).containsEntry("url-password", 1L)
                    .containsEntry("aws-access-key", 1L).containsEntry("private-key", 1L).containsEntry("card", 1L);
        }

        @Test
        @DisplayName("applies to the parsed fields, even when a JSON escape hid the secret from the text")
        void fields() {
            LogMessage out = redacting.apply(line("{\"level\":\"info\",\"auth\":\"Bearer\\u0020abcdefghijkl\"}", false));
            assertThat(out.fields().get("auth")).isEqualTo("Bearer [REDACTED]");
        }

        @Test
        @DisplayName("applies to manager messages and their fields")
        void manager() {
            LogMessage event = LogMessage.manager("deploy {\"url\":\"https://u:pw@registry\"}", LogLevel.INFO, T)
                    .toBuilder().fields(StructureStage.jsonFields("{\"url\":\"https://u:pw@registry\"}")).build();
            LogMessage out = redacting.apply(event);
            assertThat(out.message()).doesNotContain("pw@");
            assertThat(out.fields().get("url")).isEqualTo("https://u:[REDACTED]@registry");
            assertThat(out.levelSource()).isEqualTo(LevelSource.EXPLICIT);
        }

        @Test
        @DisplayName("a catastrophically backtracking user pattern gives up on a hostile line, fails closed and is counted")
        void hostilePattern() {
            StructureStage stage = new StructureStage(StructureOptions.builder()
                    .redaction(List.of(RedactionRule.of("evil", "(a+)+$", "x"))).build());
            LogMessage out = stage.apply(line("a".repeat(5_000) + "b", false));
            assertThat(out.message()).isEqualTo("[redaction failed: evil]");
            assertThat(stage.redactions()).containsEntry("evil.failed", 1L);
        }

        @Test
        @DisplayName("is off by default")
        void offByDefault() {
            String text = "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9";
            assertThat(stage.apply(line(text, false)).message()).isEqualTo(text);
            assertThat(stage.redactions()).isEmpty();
        }
    }

    @Test
    @DisplayName("jsonFields flattens manager event details")
    void jsonFieldsOfDetails() {
        LogFields fields = StructureStage.jsonFields("{\"apps\":3,\"by\":{\"name\":\"x\"}}");
        assertThat(fields.asMap()).containsEntry("apps", 3L).containsEntry("by.name", "x");
        assertThat(StructureStage.jsonFields("not json").isEmpty()).isTrue();
    }
}

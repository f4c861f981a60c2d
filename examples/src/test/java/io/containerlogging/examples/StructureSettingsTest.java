package io.containerlogging.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogSource;
import io.containerlogging.core.structure.RedactionRule;
import io.containerlogging.core.structure.StructureOptions;
import io.containerlogging.core.structure.StructureStage;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The example server's structure settings")
class StructureSettingsTest {

    private static StructureOptions options(Map<String, String> env) {
        return ExampleServerConfig.fromEnvironment(env).structure().toOptions();
    }

    @Test
    @DisplayName("by default: fields, levels, multiline for every service, and the built-in redaction rules")
    void defaults() {
        ExampleServerConfig config = ExampleServerConfig.fromEnvironment(Map.of());
        assertThat(config.structure()).isEqualTo(StructureSettings.DEFAULT);
        StructureOptions options = config.structure().toOptions();
        assertThat(options.fields()).isTrue();
        assertThat(options.levels()).isTrue();
        assertThat(options.multilineFor("any")).isTrue();
        assertThat(options.flushTimeout()).isEqualTo(Duration.ofMillis(200));
        assertThat(options.redaction()).containsExactlyElementsOf(RedactionRule.BUILT_IN);
    }

    @Test
    @DisplayName("every variable is read")
    void readsAll() {
        StructureOptions options = options(Map.of("LOG_FIELDS", "off", "LOG_LEVELS", "stream",
                "LOG_MULTILINE", "except:db,cache", "LOG_MULTILINE_TIMEOUT", "500ms",
                "LOG_REDACT", "bearer-token,aws-access-key", "LOG_REDACT_RULE_CARD", "\\d{4}-\\d{4}-\\d{4}-\\d{4}"));
        assertThat(options.fields()).isFalse();
        assertThat(options.levels()).isFalse();
        assertThat(options.multilineFor("db")).isFalse();
        assertThat(options.multilineFor("web")).isTrue();
        assertThat(options.flushTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(options.redaction()).extracting(RedactionRule::name)
                .containsExactly("bearer-token", "aws-access-key", "card");
        LogMessage line = new LogMessage(null, "paid 4111-1111-1111-1111", Instant.EPOCH, LogLevel.INFO,
                LogSource.container("web"), null, "web", "c1", false, false, null);
        assertThat(new StructureStage(options).apply(line).message()).isEqualTo("paid [REDACTED]");

        assertThat(options(Map.of("LOG_MULTILINE", "only:web")).multilineFor("web")).isTrue();
        assertThat(options(Map.of("LOG_MULTILINE", "only:web")).multilineFor("db")).isFalse();
        assertThat(options(Map.of("LOG_MULTILINE", "off")).multilineFor("web")).isFalse();
        assertThat(options(Map.of("LOG_REDACT", "none", "LOG_REDACT_RULE_X", "x+")).redaction())
                .extracting(RedactionRule::name).containsExactly("x");
        assertThat(options(Map.of("LOG_REDACT", "off", "LOG_REDACT_RULE_X", "x+")).redaction()).isEmpty();
    }

    @Test
    @DisplayName("a bad value is an error naming the variable and quoting the value")
    void invalid() {
        assertInvalid(Map.of("LOG_REDACT", "builtin,tokens"), "invalid LOG_REDACT='builtin,tokens'");
        assertInvalid(Map.of("LOG_REDACT_RULE_BAD", "(unclosed"), "invalid LOG_REDACT_RULE_BAD='(unclosed'");
        assertInvalid(Map.of("LOG_MULTILINE", "sometimes"), "invalid LOG_MULTILINE='sometimes'");
        assertInvalid(Map.of("LOG_MULTILINE", "only:"), "invalid LOG_MULTILINE='only:'");
        assertInvalid(Map.of("LOG_LEVELS", "guess"), "invalid LOG_LEVELS='guess'");
        assertInvalid(Map.of("LOG_FIELDS", "maybe"), "invalid LOG_FIELDS='maybe'");
        assertInvalid(Map.of("LOG_MULTILINE_TIMEOUT", "0"), "invalid LOG_MULTILINE_TIMEOUT='0'");
    }

    private static void assertInvalid(Map<String, String> env, String message) {
        assertThatThrownBy(() -> ExampleServerConfig.fromEnvironment(env))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(message);
    }
}

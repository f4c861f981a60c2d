package io.containerlogging.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.containerlogging.examples.ExampleServerConfig.DockerMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ExampleServerConfigTest {

    @Test
    @DisplayName("an empty environment gives the documented defaults")
    void defaults() {
        ExampleServerConfig config = ExampleServerConfig.fromEnvironment(Map.of());
        assertThat(config.port()).isEqualTo(3000);
        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.logDir()).isEqualTo(Path.of("./data/logs"));
        assertThat(config.maxLogs()).isEqualTo(10_000);
        assertThat(config.maxAge()).isEqualTo(Duration.ofHours(24));
        assertThat(config.docker()).isEqualTo(DockerMode.IF_REACHABLE);
        assertThat(config.apiToken()).isNull();
        assertThat(config.dockerHost()).isNull();
    }

    @Test
    @DisplayName("reads every variable")
    void readsAll() {
        ExampleServerConfig config = ExampleServerConfig.fromEnvironment(Map.of(
                "PORT", "8080", "HOST", "0.0.0.0", "LOG_DIR", "/var/lib/logs", "MAX_LOGS", "5000",
                "LOG_MAX_AGE", "30m", "USE_REAL_DOCKER", "true", "LOG_API_TOKEN", "s3cret",
                "DOCKER_HOST", "tcp://10.0.0.2:2375"));
        assertThat(config).isEqualTo(new ExampleServerConfig(8080, "0.0.0.0", Path.of("/var/lib/logs"), 5000,
                Duration.ofMinutes(30), DockerMode.REQUIRED, "tcp://10.0.0.2:2375", "s3cret"));
        assertThat(ExampleServerConfig.fromEnvironment(Map.of("USE_REAL_DOCKER", "FALSE")).docker())
                .isEqualTo(DockerMode.DISABLED);
    }

    @Test
    @DisplayName("LOG_MAX_AGE takes units, bare milliseconds (as the seed's maxAge) and ISO-8601")
    void durations() {
        assertThat(age("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(age("24h")).isEqualTo(Duration.ofHours(24));
        assertThat(age("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(age("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(age("86400000")).isEqualTo(Duration.ofHours(24));
        assertThat(age("PT2H")).isEqualTo(Duration.ofHours(2));
    }

    private static Duration age(String value) {
        return ExampleServerConfig.fromEnvironment(Map.of("LOG_MAX_AGE", value)).maxAge();
    }

    @Test
    @DisplayName("an invalid value is an error naming the variable and quoting the value")
    void invalidValues() {
        Map<String, String> bad = Map.of(
                "PORT", "http", "MAX_LOGS", "0", "LOG_MAX_AGE", "forever", "USE_REAL_DOCKER", "yes",
                "LOG_API_TOKEN", "  ", "HOST", " ");
        bad.forEach((name, value) -> assertThatThrownBy(
                () -> ExampleServerConfig.fromEnvironment(Map.of(name, value)))
                .as(name)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(name)
                .hasMessageContaining("'" + value + "'"));
        assertThatThrownBy(() -> ExampleServerConfig.fromEnvironment(Map.of("PORT", "70000")))
                .hasMessageContaining("PORT");
        assertThatThrownBy(() -> ExampleServerConfig.fromEnvironment(Map.of("LOG_MAX_AGE", "0s")))
                .hasMessageContaining("LOG_MAX_AGE");
    }
}

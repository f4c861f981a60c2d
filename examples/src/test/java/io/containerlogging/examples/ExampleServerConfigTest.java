package io.containerlogging.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.containerlogging.examples.ExampleServerConfig.DockerMode;
import java.net.URI;
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
    @DisplayName("LOG_AUDIT and LOG_METRICS: on by default, on or off in any case, anything else an error naming the variable")
    void operations() {
        assertThat(ExampleServerConfig.fromEnvironment(Map.of()).operations())
                .isEqualTo(ExampleServerConfig.Operations.DEFAULT)
                .isEqualTo(new ExampleServerConfig.Operations(true, true));
        assertThat(ExampleServerConfig.fromEnvironment(Map.of("LOG_AUDIT", "OFF", "LOG_METRICS", "on")).operations())
                .isEqualTo(new ExampleServerConfig.Operations(false, true));
        assertThat(ExampleServerConfig.fromEnvironment(Map.of("LOG_AUDIT", "on", "LOG_METRICS", "off")).operations())
                .isEqualTo(new ExampleServerConfig.Operations(true, false));
        Map.of("LOG_AUDIT", "yes", "LOG_METRICS", "1").forEach((name, value) -> assertThatThrownBy(
                () -> ExampleServerConfig.fromEnvironment(Map.of(name, value)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(name)
                .hasMessageContaining("'" + value + "'"));
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

    @Test
    @DisplayName("LOG_MAX_FILE_SIZE, LOG_MAX_TOTAL_SIZE and LOG_RETENTION: sizes in KB/MB/GB (1024) or bytes, rules per service and level")
    void storage() {
        assertThat(ExampleServerConfig.fromEnvironment(Map.of()).storage()).isEqualTo(ExampleServerConfig.Storage.DEFAULT);
        assertThat(ExampleServerConfig.Storage.DEFAULT.maxFileSize()).isEqualTo(10L * 1024 * 1024);
        ExampleServerConfig.Storage storage = ExampleServerConfig.fromEnvironment(Map.of(
                "LOG_MAX_FILE_SIZE", "500KB", "LOG_MAX_TOTAL_SIZE", "200mb",
                "LOG_RETENTION", "web=1h,db=7d,*@warn=7d")).storage();
        assertThat(storage.maxFileSize()).isEqualTo(500L * 1024);
        assertThat(storage.maxTotalSize()).isEqualTo(200L * 1024 * 1024);
        assertThat(storage.retention()).isEqualTo(io.containerlogging.local.RetentionPolicy.parse("db=7d,web=1h,*@warn=7d"));
        assertThat(size("1GB")).isEqualTo(1L << 30);
        assertThat(size("4096")).isEqualTo(4096);
        assertThat(size("2 MiB")).isEqualTo(2L << 20);
        assertThat(size("3k")).isEqualTo(3072);

        Map<String, String> bad = Map.of("LOG_MAX_FILE_SIZE", "10 parsecs", "LOG_MAX_TOTAL_SIZE", "0",
                "LOG_RETENTION", "web=1hour");
        bad.forEach((name, value) -> assertThatThrownBy(() -> ExampleServerConfig.fromEnvironment(Map.of(name, value)))
                .as(name).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(name).hasMessageContaining("'" + value + "'"));
        assertThatThrownBy(() -> ExampleServerConfig.fromEnvironment(Map.of("LOG_MAX_TOTAL_SIZE", "15MB")))
                .hasMessageContaining("LOG_MAX_TOTAL_SIZE").hasMessageContaining("twice LOG_MAX_FILE_SIZE");
        assertThatThrownBy(() -> ExampleServerConfig.fromEnvironment(Map.of("LOG_MAX_FILE_SIZE", "99999999999GB")))
                .hasMessageContaining("LOG_MAX_FILE_SIZE").hasMessageContaining("too large");
        assertThatThrownBy(() -> ExampleServerConfig.fromEnvironment(Map.of("LOG_BACKEND", "opensearch",
                "OPENSEARCH_URL", "http://os1:9200", "LOG_RETENTION", "web=1h")))
                .hasMessageContaining("LOG_RETENTION").hasMessageContaining("local only");
    }

    private static long size(String value) {
        return ExampleServerConfig.fromEnvironment(Map.of("LOG_MAX_FILE_SIZE", value)).storage().maxFileSize();
    }

    @Test
    @DisplayName("LOG_BACKEND=opensearch with OPENSEARCH_URL selects OpenSearch; local is the default")
    void openSearch() {
        assertThat(ExampleServerConfig.fromEnvironment(Map.of()).openSearch()).isNull();
        assertThat(ExampleServerConfig.fromEnvironment(Map.of("LOG_BACKEND", "local")).openSearch()).isNull();
        ExampleServerConfig config = ExampleServerConfig.fromEnvironment(Map.of("LOG_BACKEND", "opensearch",
                "OPENSEARCH_URL", "http://os1:9200, https://os2:9200", "OPENSEARCH_INDEX_PREFIX", "fleet",
                "OPENSEARCH_USERNAME", "api", "OPENSEARCH_PASSWORD", "pw", "DEVICE_ID", "central"));
        assertThat(config.openSearch().urls()).containsExactly(URI.create("http://os1:9200"), URI.create("https://os2:9200"));
        assertThat(config.openSearch().indexPrefix()).isEqualTo("fleet");
        assertThat(config.openSearch().username()).isEqualTo("api");
        assertThat(config.openSearch().toString()).doesNotContain("pw");
        assertThat(config.deviceId()).isEqualTo("central");
        assertThat(ExampleServerConfig.fromEnvironment(Map.of("LOG_BACKEND", "opensearch",
                "OPENSEARCH_URL", "http://os1:9200")).openSearch().indexPrefix()).isEqualTo("container-logs");
    }

    @Test
    @DisplayName("an OpenSearch setting that cannot work is an error naming the variable")
    void invalidOpenSearch() {
        assertThatThrownBy(() -> ExampleServerConfig.fromEnvironment(Map.of("LOG_BACKEND", "elastic")))
                .hasMessageContaining("LOG_BACKEND").hasMessageContaining("'elastic'");
        assertThatThrownBy(() -> ExampleServerConfig.fromEnvironment(Map.of("LOG_BACKEND", "opensearch")))
                .hasMessageContaining("OPENSEARCH_URL").hasMessageContaining("required");
        assertThatThrownBy(() -> ExampleServerConfig.fromEnvironment(Map.of("LOG_BACKEND", "opensearch",
                "OPENSEARCH_URL", "os1:9200"))).hasMessageContaining("OPENSEARCH_URL").hasMessageContaining("os1:9200");
        assertThatThrownBy(() -> ExampleServerConfig.fromEnvironment(Map.of("LOG_BACKEND", "opensearch",
                "OPENSEARCH_URL", "http://os1:9200", "OPENSEARCH_USERNAME", "api")))
                .hasMessageContaining("OPENSEARCH_PASSWORD");
    }
}

package io.containerlogging.docker;

import static org.assertj.core.api.Assertions.assertThat;

import io.containerlogging.core.AttachedContainer;
import io.containerlogging.core.LogBackend;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LevelSource;
import io.containerlogging.core.LogQuery;
import io.containerlogging.core.structure.RedactionRule;
import io.containerlogging.core.structure.StructureOptions;
import io.containerlogging.core.structure.StructureStage;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Manager events and their JSON details")
class ManagerMessagesTest {

    static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
    static final StructureStage STAGE = new StructureStage(StructureOptions.defaults());

    final LogBackend backend = DockerTests.newBackend();

    @AfterEach
    void tearDown() throws IOException {
        backend.close();
    }

    private String stored(ManagerMessages messages, Map<String, ?> details) {
        messages.managerEvent("e", details, LogLevel.INFO);
        List<LogMessage> logs = backend.getLogs(LogQuery.builder().limit(1).build());
        return logs.get(0).message();
    }

    @Test
    @DisplayName("nested maps and collections, numbers of every kind, booleans and nulls are JSON values")
    void jsonValues() {
        ManagerMessages messages = new ManagerMessages(backend, Clock.fixed(NOW, ZoneOffset.UTC), false, STAGE);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("nested", Map.of("k", List.of(1, 2L, 2.5, new BigDecimal("1.10"))));
        details.put("flag", true);
        details.put("none", null);
        details.put("list", java.util.Arrays.asList("a", null));
        assertThat(stored(messages, details)).isEqualTo(
                "e {\"nested\":{\"k\":[1,2,2.5,1.10]},\"flag\":true,\"none\":null,\"list\":[\"a\",null]}");
    }

    @Test
    @DisplayName("NaN and infinities, which JSON has no numbers for, are strings; HTML characters stay as they are")
    void specialValues() {
        ManagerMessages messages = new ManagerMessages(backend, Clock.fixed(NOW, ZoneOffset.UTC), false, STAGE);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("nan", Double.NaN);
        details.put("inf", Float.NEGATIVE_INFINITY);
        details.put("html", "<a href='x'>&=</a>");
        assertThat(stored(messages, details))
                .isEqualTo("e {\"nan\":\"NaN\",\"inf\":\"-Infinity\",\"html\":\"<a href='x'>&=</a>\"}");
    }

    @Test
    @DisplayName("any other value is written as its toString(), never field by field")
    void otherValuesAsText() {
        ManagerMessages messages = new ManagerMessages(backend, Clock.fixed(NOW, ZoneOffset.UTC), false, STAGE);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("when", NOW);
        details.put("path", Path.of("/var/log"));
        details.put("unit", TimeUnit.SECONDS);
        details.put("char", 'x');
        details.put("custom", new Object() {
            @Override
            public String toString() {
                return "custom!";
            }
        });
        assertThat(stored(messages, details)).isEqualTo("e {\"when\":\"2026-11-24T10:00:00Z\",\"path\":\"/var/log\","
                + "\"unit\":\"SECONDS\",\"char\":\"x\",\"custom\":\"custom!\"}");
    }

    @Test
    @DisplayName("lifecycle events are recorded only when switched on, with the reason of a removal")
    void lifecycleEvents() {
        AttachedContainer container = new AttachedContainer("c1", null, "web");
        new ManagerMessages(backend, Clock.fixed(NOW, ZoneOffset.UTC), false, STAGE).attached(container);
        assertThat(backend.count()).isZero();
        ManagerMessages messages = new ManagerMessages(backend, Clock.fixed(NOW, ZoneOffset.UTC), true, STAGE);
        messages.attached(container);
        messages.detached(container, true);
        assertThat(backend.getLogs(LogQuery.all())).extracting(LogMessage::message).containsExactlyInAnyOrder(
                "container-attached {\"containerId\":\"c1\",\"serviceName\":\"web\"}",
                "container-detached {\"containerId\":\"c1\",\"serviceName\":\"web\",\"reason\":\"removed\"}");
    }

    @Test
    @DisplayName("the details become fields too (nested keys as dotted paths), with level source explicit")
    void detailsAsFields() {
        ManagerMessages messages = new ManagerMessages(backend, Clock.fixed(NOW, ZoneOffset.UTC), false, STAGE);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("apps", 3);
        details.put("by", Map.of("name", "ops"));
        details.put("none", null);
        messages.managerEvent("reconciled", details, LogLevel.WARN);
        LogMessage stored = backend.getLogs(LogQuery.builder().limit(1).build()).get(0);
        assertThat(stored.fields().asMap()).containsExactly(Map.entry("apps", 3L), Map.entry("by.name", "ops"));
        assertThat(stored.levelSource()).isEqualTo(LevelSource.EXPLICIT);
        assertThat(stored.level()).isEqualTo(LogLevel.WARN);
    }

    @Test
    @DisplayName("redaction rules apply to manager events, their fields and system messages")
    void redacted() {
        ManagerMessages messages = new ManagerMessages(backend, Clock.fixed(NOW, ZoneOffset.UTC), false,
                new StructureStage(StructureOptions.builder().redaction(RedactionRule.BUILT_IN).build()));
        messages.managerEvent("pull", Map.of("registry", "https://bot:hunter2@registry.local"), LogLevel.INFO);
        messages.system("token Bearer abcdefghijklmnop", LogLevel.INFO);
        List<LogMessage> logs = backend.getLogs(LogQuery.all());
        assertThat(logs).extracting(LogMessage::message).noneMatch(m -> m.contains("hunter2") || m.contains("abcdefghijklmnop"));
        assertThat(logs).extracting(m -> m.fields().text("registry")).contains("https://bot:[REDACTED]@registry.local");
    }
}

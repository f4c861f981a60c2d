package io.containerlogging.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LogFieldsTest {

    @Test
    @DisplayName("keeps insertion order; a path put twice keeps its place and its last value")
    void order() {
        LogFields fields = LogFields.builder().put("a", "1").put("b", 2L).put("a", "3").build();
        assertThat(fields.asMap()).containsExactly(Map.entry("a", "3"), Map.entry("b", 2L));
        assertThat(fields.size()).isEqualTo(2);
        assertThat(fields.key(1)).isEqualTo("b");
        assertThat(fields.get("missing")).isNull();
    }

    @Test
    @DisplayName("numbers: integral ones become Long, others BigDecimal keeping their text")
    void numbers() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("int", 500);
        map.put("exp", new BigDecimal("5e2"));
        map.put("decimal", new BigDecimal("1.50"));
        map.put("double", 0.5d);
        LogFields fields = LogFields.of(map);
        assertThat(fields.get("int")).isEqualTo(500L);
        assertThat(fields.get("exp")).isEqualTo(500L);
        assertThat(fields.text("decimal")).isEqualTo("1.50");
        assertThat(fields.text("double")).isEqualTo("0.5");
        assertThat(LogFields.builder().put("b", true).build().text("b")).isEqualTo("true");
    }

    @Test
    @DisplayName("refuses values that are not JSON scalars, and empty paths")
    void refuses() {
        assertThatThrownBy(() -> LogFields.builder().put("x", (Object) new Object()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'x'");
        assertThatThrownBy(() -> LogFields.builder().put("x", (Object) Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LogFields.builder().put("", "v")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("equal content is equal; the empty builder gives the shared empty instance")
    void equality() {
        assertThat(LogFields.builder().put("a", 1L).build()).isEqualTo(LogFields.of(Map.of("a", 1)))
                .hasSameHashCodeAs(LogFields.of(Map.of("a", 1)));
        assertThat(LogFields.builder().build()).isSameAs(LogFields.empty());
        assertThat(LogMessage.system("x", LogLevel.INFO, java.time.Instant.EPOCH).fields()).isSameAs(LogFields.empty());
    }
}

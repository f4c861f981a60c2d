package io.containerlogging.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PackedNamesTest {

    private static final PackedNames<String> NAMES = new PackedNames<>(
            List.of("id", "message", "deviceId", "containerId", "abcdefghijklmno"), Function.identity());

    private static String find(String name) {
        return NAMES.get(PackedNames.low(name, 0, name.length()), PackedNames.high(name, 0, name.length()));
    }

    @Test
    @DisplayName("finds each name exactly, and nothing for a name that only resembles one")
    void exact() {
        for (String name : List.of("id", "message", "deviceId", "containerId", "abcdefghijklmno")) {
            assertThat(find(name)).isEqualTo(name);
            assertThat(find("x" + name)).isNull();
            assertThat(find(name.substring(1))).isNull();
        }
        // NUL chars pack as zero bytes: the length tells "id" from "id\0"
        assertThat(find("id\u0000")).isNull();
        assertThat(find("\u0000id")).isNull();
        // a char above ASCII must not alias the byte it would be truncated to ('i' is 0x69)
        assertThat(find("\u0169d")).isNull();
        assertThat(find("\u6900d")).isNull();
        assertThat(find("i\\u0064")).isNull();
        assertThat(find("")).isNull();
        assertThat(find("abcdefghijklmnop")).isNull();
        assertThat(find("containerid")).isNull();
    }

    @Test
    @DisplayName("refuses a table name it cannot pack, naming it")
    void refusesLongNames() {
        assertThatThrownBy(() -> new PackedNames<>(List.of("abcdefghijklmnop"), Function.identity()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("abcdefghijklmnop");
        assertThatThrownBy(() -> new PackedNames<>(List.of("caf\u00e9"), Function.identity()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

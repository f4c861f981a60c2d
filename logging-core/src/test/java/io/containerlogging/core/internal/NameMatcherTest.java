package io.containerlogging.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class NameMatcherTest {

    private static final List<String> NAMES = List.of("id", "message", "isStdErr", "deviceId", "isSystem",
            "containerId", "a-name-longer-than-sixteen-chars");
    private static final MethodHandle MATCHER = NameMatcher.of(String.class, NAMES, Function.identity());

    private static String find(String text, int start, int length) throws Throwable {
        return (String) MATCHER.invokeExact(text, start, length);
    }

    @Test
    @DisplayName("finds each name in place, of any length, and only the exact name")
    void exact() throws Throwable {
        for (String name : NAMES) {
            assertThat(find(name, 0, name.length())).isEqualTo(name);
            assertThat(find("{\"" + name + "\":", 2, name.length())).isEqualTo(name);
            assertThat(find("x" + name, 0, name.length())).as(name).isNull();
            assertThat(find(name, 1, name.length() - 1)).as(name).isNull();
            assertThat(find(name + "x", 0, name.length() + 1)).as(name).isNull();
        }
        assertThat(find("id\u0000", 0, 3)).isNull();
        assertThat(find("\u0169d", 0, 2)).isNull(); // not truncated to "id"
        assertThat(find("", 0, 0)).isNull();
        assertThat(find("id", 0, -1)).isNull();
        assertThat(find("id", 5, 2)).isNull();
        assertThat(find("x".repeat(100), 0, 100)).isNull();
    }

    @Test
    @DisplayName("the wire format's tables find every field by its name")
    void wireTables() {
        for (WireField field : WireField.inOrder()) {
            assertThat(WireField.named(field.jsonName())).isSameAs(field);
        }
        for (SourceField field : SourceField.inOrder()) {
            assertThat(SourceField.named(field.jsonName())).isSameAs(field);
        }
        assertThat(WireField.named("Id")).isNull();
        assertThat(SourceField.named("types")).isNull();
    }
}

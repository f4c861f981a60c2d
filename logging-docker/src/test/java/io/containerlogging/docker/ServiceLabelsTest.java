package io.containerlogging.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Service names and ids from container labels")
class ServiceLabelsTest {

    final ServiceLabels labels = new ServiceLabels(List.of("first", "second"), List.of("id-a", "id-b"));

    @Test
    @DisplayName("the first present, non-blank name label wins")
    void nameFromLabels() {
        assertThat(labels.serviceName(Map.of("first", " ", "second", "db"), "/c", "0123456789abcdef")).isEqualTo("db");
        assertThat(labels.serviceName(Map.of("first", "web", "second", "db"), "/c", "0123456789abcdef")).isEqualTo("web");
    }

    @Test
    @DisplayName("without a name label: the container name without its slash, else the short id")
    void nameFallbacks() {
        assertThat(labels.serviceName(Map.of(), "/my-app", "0123456789abcdef")).isEqualTo("my-app");
        assertThat(labels.serviceName(null, null, "0123456789abcdef")).isEqualTo("0123456789ab");
        assertThat(labels.serviceName(null, " ", "abc")).isEqualTo("abc");
    }

    @Test
    @DisplayName("the first id label holding an integer is the service id")
    void serviceId() {
        assertThat(labels.serviceId(Map.of("id-a", "x", "id-b", " 7 "))).isEqualTo(7);
        assertThat(labels.serviceId(Map.of("id-a", "3", "id-b", "7"))).isEqualTo(3);
        assertThat(labels.serviceId(Map.of("other", "3"))).isNull();
        assertThat(labels.serviceId(null)).isNull();
    }

    @Test
    @DisplayName("a label list with a null or blank label is refused, quoting the list")
    void checked() {
        assertThat(ServiceLabels.checked(List.of("a"), "serviceNameLabels")).containsExactly("a");
        assertThatThrownBy(() -> ServiceLabels.checked(Arrays.asList("a", null), "serviceIdLabels"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("serviceIdLabels").hasMessageContaining("[a, null]");
        assertThatThrownBy(() -> ServiceLabels.checked(null, "serviceIdLabels"))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("serviceIdLabels");
    }
}

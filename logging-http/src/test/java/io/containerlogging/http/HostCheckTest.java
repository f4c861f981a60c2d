package io.containerlogging.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HostCheckTest {

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "app.localhost", "[::1]", "127.0.0.1", "127.255.255.255", "127.1.2.3",
            "127.000.0.1", "127.0.0.0"})
    void loopbackNames(String name) {
        assertThat(HostCheck.isLoopbackName(name)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "127", "127.0.0", "127.0.0.1.2", "127.0.0.256", "127.0.0.1000", "127..0.1",
            "127.0.0.", ".127.0.0.1", "128.0.0.1", "0127.0.0.1", "27.0.0.1", "1127.0.0.1", "127.0.0.-1",
            "127.0.0.1a", "127.0.0.1 ", "127.0.0.+1", "127.0x0.0.1", "evil.example", "localhost.evil.example",
            "127.0.0.1.evil.example", "１２７.0.0.1"})
    void otherNames(String name) {
        assertThat(HostCheck.isLoopbackName(name)).isFalse();
    }
}

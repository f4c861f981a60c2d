package io.containerlogging.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("DockerSocket: which engines it reaches itself, and which it leaves to a Docker client")
class DockerSocketTest {

    @Test
    @DisplayName("unix sockets and plain TCP are reached directly")
    void unixAndTcp() {
        assertThat(DockerSocket.of("unix:///run/user/1000/docker.sock")).get()
                .extracting(DockerSocket::host).isEqualTo("unix:///run/user/1000/docker.sock");
        assertThat(DockerSocket.of("tcp://10.0.0.5:2375")).isPresent();
    }

    @Test
    @DisplayName("named pipes, ssh and malformed TCP addresses are left to a Docker client")
    void othersAreEmpty() {
        assertThat(DockerSocket.of("npipe:////./pipe/docker_engine")).isEmpty();
        assertThat(DockerSocket.of("ssh://user@host")).isEmpty();
        assertThat(DockerSocket.of("tcp://host")).isEmpty(); // no port
    }

    @Test
    @DisplayName("an invalid address is an IllegalArgumentException naming it")
    void invalid() {
        assertThatThrownBy(() -> DockerSocket.of("unix://bad path\u0000")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid Docker host");
    }

    @Test
    @DisplayName("the environment: DOCKER_HOST, else the default socket; TLS and contexts need a Docker client")
    void environment() {
        assertThat(DockerSocket.fromEnvironment(Map.of())).get().extracting(DockerSocket::host)
                .isEqualTo(DockerSocket.DEFAULT_HOST);
        assertThat(DockerSocket.fromEnvironment(Map.of("DOCKER_HOST", ""))).get().extracting(DockerSocket::host)
                .isEqualTo(DockerSocket.DEFAULT_HOST);
        assertThat(DockerSocket.fromEnvironment(Map.of("DOCKER_HOST", "tcp://127.0.0.1:2375"))).get()
                .extracting(DockerSocket::host).isEqualTo("tcp://127.0.0.1:2375");
        assertThat(DockerSocket.fromEnvironment(Map.of("DOCKER_HOST", "tcp://h:2376", "DOCKER_TLS_VERIFY", "1")))
                .isEmpty();
        assertThat(DockerSocket.fromEnvironment(Map.of("DOCKER_CONTEXT", "remote"))).isEmpty();
    }
}

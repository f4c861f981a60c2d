package io.containerlogging.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import static org.awaitility.Awaitility.await;

import java.io.Closeable;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
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

    @Test
    @DisplayName("an engine that accepts and never answers holds neither the subscriber nor close()")
    void silentEngine() throws Exception {
        Path dir = Files.createTempDirectory("silent-engine");
        Path socketPath = dir.resolve("docker.sock");
        List<SocketChannel> accepted = new ArrayList<>();
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socketPath));
            List<Thread> threads = new CopyOnWriteArrayList<>();
            SocketEngine engine = DockerSocket.of("unix://" + socketPath).orElseThrow().engine(task -> {
                Thread thread = new Thread(task, "silent-events");
                thread.setDaemon(true);
                threads.add(thread);
                return thread;
            });
            AtomicInteger endings = new AtomicInteger();
            List<Throwable> errors = new CopyOnWriteArrayList<>();
            Closeable subscription = engine.containerEvents(new DockerEngine.EventListener() {
                @Override
                public void connected() {
                    errors.add(new AssertionError("connected without an answer"));
                }

                @Override
                public void event(String containerId, String action) {
                    errors.add(new AssertionError("an event without an answer"));
                }

                @Override
                public void ended(Throwable error) {
                    if (error != null) {
                        errors.add(error);
                    }
                    endings.incrementAndGet();
                }
            });
            accepted.add(server.accept()); // the request arrived; it is never answered
            assertThat(threads).hasSize(1);
            assertThat(threads.get(0).isAlive()).isTrue();
            subscription.close();
            await().until(() -> !threads.get(0).isAlive());
            assertThat(endings.get()).isEqualTo(1);
            assertThat(errors).isEmpty();
        } finally {
            for (SocketChannel channel : accepted) {
                channel.close();
            }
            Files.deleteIfExists(socketPath);
            Files.deleteIfExists(dir);
        }
    }
}

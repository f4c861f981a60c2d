package io.containerlogging.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containerlogging.core.LogBackend;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.core.structure.StructureOptions;
import io.containerlogging.core.structure.StructureStage;
import io.containerlogging.local.LocalLogBackend;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.DisplayName;

@DisplayName("A container read through the attach API, with a scripted engine")
class FollowedContainerTest {

    @Test
    @DisplayName("dockerd's own 'Error attaching' text becomes a system warning, not a line of the container")
    void attachErrorIsNotContainerOutput() throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(LogStreamDecoderTest.frame(1, "hello\n"));
        body.writeBytes(LogStreamDecoderTest.frame(1, "Error attaching: open /var/lib/docker/containers/c1/c1-json.log: no such file or directory\n"));
        AtomicReference<String> requested = new AtomicReference<>();
        LogStreams engine = (method, path) -> {
            requested.set(method + " " + path);
            return new LogStreams.Response() {
                final InputStream in = new ByteArrayInputStream(body.toByteArray());

                @Override
                public int status() {
                    return 200;
                }

                @Override
                public InputStream body() {
                    return in;
                }

                @Override
                public void close() {
                }
            };
        };
        try (LogBackend backend = LocalLogBackend.builder().build();
                BackendWriter writer = new BackendWriter(backend, new StructureStage(StructureOptions.defaults()), 100,
                        Duration.ZERO, Clock.systemUTC(), Thread::new)) {
            backend.initialize();
            FollowedContainer container = new FollowedContainer("c1", false, true, true, true, null, "svc", null,
                    true, engine, writer, new StructureStage(StructureOptions.defaults()), 1024, Clock.systemUTC(), Thread::new, (c, completed, status, catchUp) -> { },
                    null);
            assertThat(container.open()).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> backend.count() >= 2);
            assertThat(requested.get()).isEqualTo("POST /containers/c1/attach?stream=1&logs=1&stdout=1&stderr=1");
            assertThat(backend.getLogs(LogQuery.builder().containerId("c1").build()))
                    .extracting(LogMessage::message).containsExactly("hello");
            LogMessage warning = backend.getLogs(LogQuery.builder().level(LogLevel.WARN).build()).get(0);
            assertThat(warning.isSystem()).isTrue();
            assertThat(warning.message()).isEqualTo("reading container c1 through the attach API failed: "
                    + "open /var/lib/docker/containers/c1/c1-json.log: no such file or directory");
            // Only the container's own line counts as its message (the metric per container).
            assertThat(container.messages()).isEqualTo(1);
        }
    }
}

package io.containerlogging.docker;

import static org.assertj.core.api.Assertions.assertThat;

import io.containerlogging.core.LogBackend;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogSource;
import java.io.IOException;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Resume points kept by the monitor and inferred from the backend")
class BackendResumePointsTest {

    static final Instant T1 = Instant.parse("2026-11-24T10:00:00.000000001Z");
    static final Instant T2 = Instant.parse("2026-11-24T10:00:00.000000002Z");

    final LogBackend backend = DockerTests.newBackend();
    final BackendResumePoints points = new BackendResumePoints(backend);

    @AfterEach
    void tearDown() throws IOException {
        backend.close();
    }

    private void stored(String containerId, Instant timestamp, boolean stdErr) {
        backend.log(LogMessage.builder().message("line").timestamp(timestamp)
                .level(stdErr ? LogLevel.ERROR : LogLevel.INFO).source(LogSource.container("svc"))
                .serviceName("svc").containerId(containerId).stdErr(stdErr).build());
    }

    @Test
    @DisplayName("a container the backend knows nothing of is read from its first line")
    void unknown() {
        assertThat(points.resumePoint("c1")).isNull();
    }

    @Test
    @DisplayName("from the backend: per stream, the newest timestamp and how many lines share it")
    void fromBackend() {
        stored("c1", T1, false);
        stored("c1", T2, false);
        stored("c1", T2, false);
        stored("c1", T1, true);
        stored("other", T2, true);
        assertThat(points.resumePoint("c1")).isEqualTo(new FollowedContainer.ResumePoint(
                new FollowedContainer.StreamPosition(T2, 2), new FollowedContainer.StreamPosition(T1, 1)));
    }

    @Test
    @DisplayName("where a container was detached wins over the backend, once; forgetting drops it")
    void detachedWins() {
        stored("c1", T1, false);
        FollowedContainer.ResumePoint detachedAt = FollowedContainer.ResumePoint.from(T2);
        points.detached("c1", detachedAt);
        assertThat(points.resumePoint("c1")).isEqualTo(detachedAt);
        assertThat(points.resumePoint("c1").stdout()).isEqualTo(new FollowedContainer.StreamPosition(T1, 1));

        points.detached("c1", detachedAt);
        points.forget("c1");
        assertThat(points.resumePoint("c1").stdout()).isEqualTo(new FollowedContainer.StreamPosition(T1, 1));
    }
}

package io.containerlogging.docker;

import static org.assertj.core.api.Assertions.assertThat;

import io.containerlogging.core.LogBackend;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogSource;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Resume points: where the monitor detached, else the backend's read checkpoints, else the first-read policy")
class CheckpointResumePointsTest {

    static final Instant T1 = Instant.parse("2026-11-24T10:00:00.000000001Z");
    static final Instant T2 = Instant.parse("2026-11-24T10:00:00.000000002Z");
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T12:00:00Z"), ZoneOffset.UTC);

    final LogBackend backend = DockerTests.newBackend();
    final CheckpointResumePoints points = new CheckpointResumePoints(backend, FirstRead.window(Duration.ofHours(1)), CLOCK);

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
    @DisplayName("a container the backend has no checkpoint for is read from the first-read window")
    void unknown() {
        assertThat(points.resumePoint("c1")).isEqualTo(FollowedContainer.ResumePoint.from(CLOCK.instant().minus(Duration.ofHours(1))));
        assertThat(new CheckpointResumePoints(backend, FirstRead.fromNow(), CLOCK).resumePoint("c1"))
                .isEqualTo(FollowedContainer.ResumePoint.from(CLOCK.instant()));
        assertThat(new CheckpointResumePoints(backend, FirstRead.lastLines(7), CLOCK).resumePoint("c1"))
                .isEqualTo(FollowedContainer.ResumePoint.lastLines(7));
    }

    @Test
    @DisplayName("the checkpoint survives eviction: a ring of 2 forgets the lines, not where reading stands")
    void survivesEviction() throws IOException {
        io.containerlogging.local.LocalLogBackend small = io.containerlogging.local.LocalLogBackend.builder().maxLogs(2).build();
        small.initialize();
        try {
            CheckpointResumePoints onSmall = new CheckpointResumePoints(small, FirstRead.DEFAULT, CLOCK);
            small.log(LogMessage.builder().message("quiet").timestamp(T1).source(LogSource.container("q"))
                    .containerId("quiet").build());
            for (int i = 0; i < 10; i++) {
                small.log(LogMessage.builder().message("loud " + i).timestamp(T2).source(LogSource.container("l"))
                        .containerId("loud").build());
            }
            assertThat(small.count(io.containerlogging.core.LogQuery.builder().containerId("quiet").build())).isZero();
            assertThat(onSmall.resumePoint("quiet").stdout()).isEqualTo(new FollowedContainer.StreamPosition(T1, 1));
        } finally {
            small.close();
        }
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

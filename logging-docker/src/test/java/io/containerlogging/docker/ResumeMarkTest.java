package io.containerlogging.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A stream's resume position keeps lines exactly once")
class ResumeMarkTest {

    static final Instant T1 = Instant.parse("2026-11-24T09:00:00.000000001Z");
    static final Instant T2 = Instant.parse("2026-11-24T09:00:00.000000002Z");
    static final Instant T3 = Instant.parse("2026-11-24T09:00:00.000000003Z");

    @Test
    @DisplayName("a re-read skips what was kept, including only the kept part of lines sharing a timestamp")
    void sharedTimestamps() {
        ResumeMark mark = new ResumeMark();
        mark.startStream();
        // first read: T1, then two of three lines stamped T2, then the stream broke
        assertThat(mark.keep(T1)).isTrue();
        assertThat(mark.keep(T2)).isTrue();
        assertThat(mark.keep(T2)).isTrue();
        assertThat(mark.position()).isEqualTo(new FollowedContainer.StreamPosition(T2, 2));

        // second read from since=T2 (inclusive) may also re-deliver older lines
        mark.startStream();
        assertThat(mark.keep(T1)).as("older than the position").isFalse();
        assertThat(mark.keep(T2)).as("first T2, kept before").isFalse();
        assertThat(mark.keep(T2)).as("second T2, kept before").isFalse();
        assertThat(mark.keep(T2)).as("third T2, new").isTrue();
        assertThat(mark.keep(T3)).isTrue();
        assertThat(mark.position()).isEqualTo(new FollowedContainer.StreamPosition(T3, 1));
    }

    @Test
    @DisplayName("a position restored from storage resumes the same way")
    void restored() {
        ResumeMark mark = new ResumeMark();
        mark.set(new FollowedContainer.StreamPosition(T2, 1));
        mark.startStream();
        assertThat(mark.keep(T2)).isFalse();
        assertThat(mark.keep(T2)).isTrue();
        assertThat(mark.position()).isEqualTo(new FollowedContainer.StreamPosition(T2, 2));
    }

    @Test
    @DisplayName("with nothing kept, everything is new")
    void empty() {
        ResumeMark mark = new ResumeMark();
        mark.startStream();
        assertThat(mark.position()).isNull();
        assertThat(mark.keep(T1)).isTrue();
        assertThat(mark.keep(T1)).isTrue();
        assertThat(mark.position()).isEqualTo(new FollowedContainer.StreamPosition(T1, 2));
    }

    @Test
    @DisplayName("the Engine API since keeps all nine fraction digits")
    void engineTime() {
        assertThat(FollowedContainer.engineTime(Instant.parse("2026-11-24T09:00:00.000123400Z")))
                .isEqualTo("1795510800.000123400");
    }

    @Test
    @DisplayName("after switching from the attach API, a read from the start skips the lines already kept, every time")
    void skipKeptAfterAttach() {
        ResumeMark mark = new ResumeMark();
        Instant ours = Instant.parse("2026-11-24T09:00:05Z"); // the attach API's lines carry our clock
        mark.startStream();
        assertThat(mark.keep(ours)).isTrue();
        assertThat(mark.keep(ours)).isTrue();
        mark.skipKeptOnOpen();
        assertThat(mark.position()).as("no timestamp to resume from").isNull();

        // the log from its start: the attach run's two lines, then the new run's
        mark.startStream();
        assertThat(mark.keep(T1)).isFalse();
        // the stream breaks before the second; the next read from the start skips both again
        mark.startStream();
        assertThat(mark.keep(T1)).isFalse();
        assertThat(mark.keep(T2)).isFalse();
        assertThat(mark.keep(T3)).isTrue();
        // once a line of the log was kept, reads resume from its timestamp, no skipping by count
        mark.startStream();
        assertThat(mark.keep(T3)).as("kept before").isFalse();
        assertThat(mark.keep(T3.plusNanos(1))).isTrue();
    }
}

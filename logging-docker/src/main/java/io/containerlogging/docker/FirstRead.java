package io.containerlogging.docker;

import java.time.Duration;
import java.util.Objects;

/**
 * Where the monitor starts reading a container it has no read checkpoint for: one it has never
 * seen, or whose checkpoint expired. Containers with a checkpoint always resume exactly after it.
 *
 * <p>The default, {@link #window(Duration) window(24 h)}, reads from the later of the container's
 * start and 24 hours ago, so a week-old chatty container does not flood the store, and every live
 * stream, with lines that retention would delete anyway; give it the store's retention.
 */
public sealed interface FirstRead {

    /** The default first read: {@code window(Duration.ofHours(24))}, the local backend's default retention. */
    FirstRead DEFAULT = window(Duration.ofHours(24));

    /**
     * Lines written in the last {@code window}, from the container's start if it is younger.
     *
     * @param window a positive duration, typically the backend's retention
     * @return the policy
     * @throws IllegalArgumentException if {@code window} is not positive
     */
    static FirstRead window(Duration window) {
        return new Window(window);
    }

    /**
     * Nothing written before the container is first attached: only new lines.
     *
     * @return the policy
     */
    static FirstRead fromNow() {
        return new Window(Duration.ZERO);
    }

    /**
     * The last {@code lines} lines the container wrote before it was first attached (Docker's
     * {@code tail}), then everything after them.
     *
     * @param lines zero or more
     * @return the policy
     * @throws IllegalArgumentException if {@code lines} is negative
     */
    static FirstRead lastLines(int lines) {
        return new LastLines(lines);
    }

    /**
     * Read from {@code now - window}.
     *
     * @param window zero (from now) or positive
     */
    record Window(Duration window) implements FirstRead {
        /**
         * Validates the window.
         *
         * @throws IllegalArgumentException if negative
         */
        public Window {
            Objects.requireNonNull(window, "window");
            if (window.isNegative()) {
                throw new IllegalArgumentException("window must not be negative, was " + window);
            }
        }
    }

    /**
     * Read the last {@code lines} lines.
     *
     * @param lines zero or more
     */
    record LastLines(int lines) implements FirstRead {
        /**
         * Validates the count.
         *
         * @throws IllegalArgumentException if negative
         */
        public LastLines {
            if (lines < 0) {
                throw new IllegalArgumentException("lines must be >= 0, was " + lines);
            }
        }
    }
}

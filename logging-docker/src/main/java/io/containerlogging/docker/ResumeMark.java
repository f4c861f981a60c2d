package io.containerlogging.docker;

import java.time.Instant;

/**
 * One stream's (stdout's or stderr's) position in a {@link FollowedContainer} and the resume filter
 * of its current read (see the resume rule there). Not thread-safe: guarded by the container.
 */
final class ResumeMark {
    Instant last;
    int atLast;
    // the current stream's lines up to here were kept by an earlier stream
    Instant skipFrom;
    int skip;
    // lines kept, and how many a stream read from the start skips (see skipKeptOnOpen)
    long kept;
    long skipOnOpen;
    long skipLeft;

    void set(FollowedContainer.StreamPosition position) {
        if (position != null) {
            last = position.timestamp();
            atLast = position.linesAtTimestamp();
        }
    }

    FollowedContainer.StreamPosition position() {
        return last == null ? null : new FollowedContainer.StreamPosition(last, atLast);
    }

    void startStream() {
        skipFrom = last;
        skip = atLast;
        skipLeft = last == null ? skipOnOpen : 0;
    }

    /** From now on, a stream read from the start skips as many lines as were kept so far. */
    void skipKeptOnOpen() {
        skipOnOpen = kept;
        last = null;
        atLast = 0;
    }

    /** Whether a line stamped {@code timestamp} is new; if so, records it. */
    boolean keep(Instant timestamp) {
        if (skipLeft > 0) {
            skipLeft--;
            return false;
        }
        if (skipFrom != null) {
            int order = timestamp.compareTo(skipFrom);
            if (order < 0) {
                return false;
            }
            if (order == 0 && skip > 0) {
                skip--;
                return false;
            }
        }
        if (last == null || timestamp.isAfter(last)) {
            last = timestamp;
            atLast = 1;
        } else if (timestamp.equals(last)) {
            atLast++;
        }
        kept++;
        return true;
    }
}

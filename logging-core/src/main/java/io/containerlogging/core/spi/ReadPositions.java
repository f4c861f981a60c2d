package io.containerlogging.core.spi;

import io.containerlogging.core.LogMessage;
import io.containerlogging.core.ReadCheckpoint;
import io.containerlogging.core.SourceType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The read position of every container stream, advanced by the container lines a backend stores:
 * per (container, stream), the newest Docker timestamp and how many lines carry exactly it. The
 * result does not depend on the order the lines are fed in, so lines replayed from files newest
 * file first give the same positions as live appends. Not thread-safe: the owner serialises.
 */
final class ReadPositions {

    private static final class Position {
        long seconds = Long.MIN_VALUE;
        int nanos;
        long lines;
        Instant updated;
    }

    // Two slots per container: [0] stdout, [1] stderr.
    private final Map<String, Position[]> byContainer = new HashMap<>();
    private boolean changed;
    // The last container advanced, by identity: a stream's lines come in runs with one id instance.
    private String lastContainer;
    private Position[] lastStreams;

    /** Advances the position of {@code message}'s stream if it is a container line. */
    void advance(LogMessage message, Instant now) {
        String container = message.containerId();
        if (container == null || message.isSystem() || message.source().type() != SourceType.CONTAINER) {
            return;
        }
        Position[] streams;
        if (container == lastContainer) {
            streams = lastStreams;
        } else {
            streams = byContainer.get(container);
            if (streams == null) {
                streams = new Position[2];
                byContainer.put(container, streams);
            }
            lastContainer = container;
            lastStreams = streams;
        }
        int slot = message.isStdErr() ? 1 : 0;
        Position position = streams[slot];
        if (position == null) {
            position = new Position();
            streams[slot] = position;
        }
        Instant time = message.timestamp();
        long seconds = time.getEpochSecond();
        int nanos = time.getNano();
        if (seconds > position.seconds || (seconds == position.seconds && nanos > position.nanos)) {
            position.seconds = seconds;
            position.nanos = nanos;
            position.lines = 1;
        } else if (seconds == position.seconds && nanos == position.nanos) {
            position.lines++;
        } else {
            return; // an older line than the newest: the position stays
        }
        position.updated = now;
        changed = true;
    }

    /** The position of one stream, or null if none of its lines was stored. */
    ReadCheckpoint get(String containerId, boolean stdErr) {
        Position[] streams = byContainer.get(containerId);
        Position position = streams == null ? null : streams[stdErr ? 1 : 0];
        return position == null ? null : checkpoint(containerId, stdErr, position);
    }

    private static ReadCheckpoint checkpoint(String containerId, boolean stdErr, Position position) {
        return new ReadCheckpoint(containerId, stdErr, Instant.ofEpochSecond(position.seconds, position.nanos),
                position.lines, position.updated);
    }

    /** Puts saved positions back (at start), replacing what is there for those streams. */
    void restore(List<ReadCheckpoint> checkpoints) {
        lastContainer = null;
        lastStreams = null;
        for (ReadCheckpoint saved : checkpoints) {
            Position position = new Position();
            position.seconds = saved.timestamp().getEpochSecond();
            position.nanos = saved.timestamp().getNano();
            position.lines = saved.linesAtTimestamp();
            position.updated = saved.updated();
            byContainer.computeIfAbsent(saved.containerId(), key -> new Position[2])[saved.stdErr() ? 1 : 0] = position;
        }
    }

    /** Forgets the streams not updated since {@code cutoff}; returns how many. */
    int expire(Instant cutoff) {
        lastContainer = null;
        lastStreams = null;
        int removed = 0;
        for (var it = byContainer.entrySet().iterator(); it.hasNext(); ) {
            Position[] streams = it.next().getValue();
            for (int i = 0; i < 2; i++) {
                if (streams[i] != null && streams[i].updated.isBefore(cutoff)) {
                    streams[i] = null;
                    removed++;
                }
            }
            if (streams[0] == null && streams[1] == null) {
                it.remove();
            }
        }
        if (removed > 0) {
            changed = true;
        }
        return removed;
    }

    /** Every stream's position. */
    List<ReadCheckpoint> snapshot() {
        List<ReadCheckpoint> all = new ArrayList<>();
        for (Map.Entry<String, Position[]> entry : byContainer.entrySet()) {
            for (int i = 0; i < 2; i++) {
                if (entry.getValue()[i] != null) {
                    all.add(checkpoint(entry.getKey(), i == 1, entry.getValue()[i]));
                }
            }
        }
        return all;
    }

    /** Whether anything moved since the last call; resets the flag. */
    boolean takeChanged() {
        boolean was = changed;
        changed = false;
        return was;
    }
}

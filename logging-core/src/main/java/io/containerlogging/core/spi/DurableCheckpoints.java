package io.containerlogging.core.spi;

import io.containerlogging.core.CheckpointStore;
import io.containerlogging.core.LogId;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.ReadCheckpoint;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The read positions a backend holds durably, and their snapshots to the {@link CheckpointStore}:
 * the only positions ever saved, so a saved checkpoint never runs ahead of the store. Positions
 * advance as the store's writer reports lines stored; a snapshot is taken when a flush starts and
 * saved once the flush is on the device.
 *
 * <p>Thread-safety: thread-safe. Snapshots are saved one at a time, never an older after a newer.
 */
final class DurableCheckpoints {

    private final CheckpointStore store; // null: positions kept in memory only
    private final Duration retention;
    private final String owner;
    private final Object lock = new Object();
    private final ReadPositions positions = new ReadPositions(); // guarded by lock
    private long through; // guarded by lock: the highest sequence stored
    private long snapshotThrough; // guarded by lock: `through` at the last snapshot; -1 forces one
    private final Object saveLock = new Object();
    private long savedThrough; // guarded by saveLock
    private volatile long restoredThrough;

    DurableCheckpoints(CheckpointStore store, Duration retention, String owner) {
        this.store = store;
        this.retention = retention;
        this.owner = owner;
    }

    /** Loads the saved checkpoints (at start). */
    void restore() throws IOException {
        CheckpointStore.Snapshot snapshot = store == null ? CheckpointStore.Snapshot.EMPTY : store.load();
        synchronized (lock) {
            positions.restore(snapshot.checkpoints());
            through = snapshot.throughSequence();
            snapshotThrough = snapshot.throughSequence();
            positions.takeChanged();
        }
        restoredThrough = snapshot.throughSequence();
    }

    /** The highest sequence the restored checkpoints cover. */
    long restoredThrough() {
        return restoredThrough;
    }

    /** Every stream's durable position. */
    List<ReadCheckpoint> positions() {
        synchronized (lock) {
            return positions.snapshot();
        }
    }

    /** The store holds {@code messages}: advance their streams' positions. */
    void stored(List<LogMessage> messages, Instant now) {
        synchronized (lock) {
            for (LogMessage message : messages) {
                positions.advance(message, now);
                long sequence = LogId.trySequence(message.id());
                if (sequence > through) {
                    through = sequence;
                }
            }
        }
    }

    /**
     * The positions as they stand, streams idle since before {@code now - retention} dropped; null
     * without a store or when nothing moved since the last snapshot.
     */
    CheckpointStore.Snapshot snapshot(Instant now) {
        if (store == null) {
            return null;
        }
        synchronized (lock) {
            positions.expire(now.minus(retention));
            if (!positions.takeChanged() && through == snapshotThrough) {
                return null;
            }
            snapshotThrough = through;
            return new CheckpointStore.Snapshot(through, positions.snapshot());
        }
    }

    /** Saves {@code snapshot}; nothing for null. A failure is logged, and the next snapshot is saved whatever moved. */
    void save(CheckpointStore.Snapshot snapshot) {
        if (snapshot == null) {
            return;
        }
        synchronized (saveLock) {
            if (snapshot.throughSequence() < savedThrough) {
                return;
            }
            try {
                store.save(snapshot);
                savedThrough = snapshot.throughSequence();
            } catch (IOException | RuntimeException e) {
                synchronized (lock) {
                    snapshotThrough = -1;
                }
                System.getLogger(owner).log(System.Logger.Level.WARNING,
                        "cannot save read checkpoints to " + store + ": " + e);
            }
        }
    }
}

package io.containerlogging.core;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Keeps a backend's read checkpoints across restarts. The local backend keeps them with its files
 * on its own; a backend without local files (OpenSearch) takes one on its builder, typically
 * {@link #file(Path)}.
 *
 * <p>A backend calls {@link #save} only with positions of lines it has durably stored, and never
 * on a thread that reads a container stream.
 */
public interface CheckpointStore {

    /**
     * What was last saved, or an empty snapshot if nothing was.
     *
     * @return the saved snapshot
     * @throws IOException if the store cannot be read at all; a corrupt snapshot is not an error
     *     but an empty one (counted and logged by the store)
     */
    Snapshot load() throws IOException;

    /**
     * Replaces the saved snapshot, atomically: after a crash, {@link #load()} returns either the
     * previous snapshot or this one, never a mix or a torn one.
     *
     * @param snapshot what to keep
     * @throws IOException if it cannot be written
     */
    void save(Snapshot snapshot) throws IOException;

    /**
     * A store that keeps the snapshot as JSON in {@code file} (mode 0600), replaced atomically
     * (write a temporary file, force it to the device, rename over the old one).
     *
     * @param file where to keep the checkpoints; its directory must exist
     * @return a file-backed store
     */
    static CheckpointStore file(Path file) {
        return new FileCheckpointStore(file);
    }

    /**
     * The durable read state of a backend.
     *
     * @param throughSequence the highest message id sequence whose position is included; a backend
     *     that keeps its messages itself replays the ones after it at start
     * @param checkpoints one per container stream
     */
    record Snapshot(long throughSequence, List<ReadCheckpoint> checkpoints) {

        /** An empty snapshot. */
        public static final Snapshot EMPTY = new Snapshot(0, List.of());

        /**
         * Validates and copies.
         *
         * @throws NullPointerException if {@code checkpoints} is null
         */
        public Snapshot {
            checkpoints = List.copyOf(checkpoints);
        }
    }
}

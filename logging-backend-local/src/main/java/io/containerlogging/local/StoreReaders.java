package io.containerlogging.local;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * The {@link StoreReader}s open on one backend, the watermark they read up to (the highest id
 * forced to the device), and whom to wake when it moves.
 */
final class StoreReaders {

    private static final System.Logger LOG = System.getLogger(StoreReaders.class.getName());

    private final List<StoreReader> open = new CopyOnWriteArrayList<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile long forcedThrough;

    /** Everything through {@code sequence} is on the device (the files of earlier runs at start, then each flush). */
    void forced(long sequence) {
        if (sequence <= forcedThrough) {
            return;
        }
        forcedThrough = sequence;
        for (Runnable listener : listeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "stored-messages listener failed", e);
            }
        }
    }

    long forcedThrough() {
        return forcedThrough;
    }

    StoreReader open(long afterSequence, Supplier<Map<FileCatalog.FileClass, List<FileCatalog.FileView>>> files) {
        StoreReader[] holder = new StoreReader[1];
        StoreReader reader = new StoreReader(afterSequence, this::forcedThrough, files, () -> open.remove(holder[0]));
        holder[0] = reader;
        open.add(reader);
        return reader;
    }

    void deleted(FileCatalog.Entry entry) {
        open.forEach(reader -> reader.deleted(entry));
    }

    void addListener(Runnable listener) {
        listeners.add(listener);
    }

    void removeListener(Runnable listener) {
        listeners.remove(listener);
    }
}

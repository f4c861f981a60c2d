package io.containerlogging.local;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Forces written log files to the device on a thread of its own, then runs what waited for them
 * (saving the read checkpoints that cover their lines). The file writer hands over each flush
 * and goes on encoding: at a hundred megabytes a second, forcing the files on the writer's own
 * thread halved its throughput, although the disk kept up.
 *
 * <p>Requests coalesce: files of a request not yet served are forced together with the next
 * request's; then their follow-ups run in order.
 *
 * <p>Backpressure: while files are being forced, at most one request waits; the writer's next one
 * waits until the force is done. A follow-up may hold the messages written since the last flush
 * (with durable reads they are published only once forced), so on a device slower than the
 * stream, unbounded requests would pile those up until the heap ran out. Waiting instead makes
 * the writer fall behind, which the ring reports as dropped lines, counted.
 *
 * <p>Thread-safety: {@link #request} from the writer thread; {@link #close} from any.
 */
final class FileSyncer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(FileSyncer.class.getName());

    private final Object lock = new Object();
    private final Thread thread;
    private final Set<Path> files = new LinkedHashSet<>(); // guarded by lock
    private final List<Runnable> followUps = new ArrayList<>(); // guarded by lock
    private boolean closing; // guarded by lock
    private boolean serving; // guarded by lock: the thread is forcing files taken from `files`

    FileSyncer(ThreadFactory threadFactory) {
        this.thread = threadFactory.newThread(this::run);
    }

    void start() {
        thread.start();
    }

    /**
     * Forces {@code written} to the device, then runs {@code then}. Waits while a force is under
     * way and another request already waits behind it.
     */
    void request(List<Path> written, Runnable then) {
        synchronized (lock) {
            while (serving && !followUps.isEmpty() && !closing) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break; // queue it anyway: nothing written may go unforced
                }
            }
            files.addAll(written);
            followUps.add(then);
            lock.notifyAll();
        }
        if (thread.getState() == Thread.State.NEW) {
            serve(); // not started (a failed start): serve on the caller's thread
        }
    }

    private void run() {
        while (true) {
            synchronized (lock) {
                while (files.isEmpty() && followUps.isEmpty() && !closing) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (files.isEmpty() && followUps.isEmpty()) {
                    return; // closing, nothing left
                }
            }
            serve();
        }
    }

    private void serve() {
        List<Path> toForce;
        List<Runnable> then;
        synchronized (lock) {
            toForce = new ArrayList<>(files);
            files.clear();
            then = new ArrayList<>(followUps);
            followUps.clear();
            serving = Thread.currentThread() == thread;
        }
        try {
            force(toForce, then);
        } finally {
            synchronized (lock) {
                serving = false;
                lock.notifyAll(); // a request waiting for room
            }
        }
    }

    private void force(List<Path> toForce, List<Runnable> then) {
        for (Path file : toForce) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
                channel.force(false);
            } catch (NoSuchFileException e) {
                // deleted by cleanup meanwhile: nothing of it to keep
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot force " + file + " to the device: " + e);
                return; // the follow-up would claim lines that may not be there: skip it
            }
        }
        for (Runnable followUp : then) {
            try {
                followUp.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "after forcing log files to the device", e);
            }
        }
    }

    /** Serves what is pending, then stops; waits at most {@code timeout}. Safe to call twice. */
    void close(Duration timeout) {
        synchronized (lock) {
            closing = true;
            lock.notifyAll();
        }
        if (thread.getState() == Thread.State.NEW) {
            return;
        }
        try {
            thread.join(TimeUnit.NANOSECONDS.toMillis(timeout.toNanos()) + 1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.log(System.Logger.Level.WARNING, "forcing log files to the device did not finish within " + timeout);
            thread.interrupt();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}

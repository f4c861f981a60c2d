package io.containerlogging.http;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The work queue of the request pool: a task goes to a waiting thread when there is one, and makes
 * the pool start a new thread only when none waits. A plain {@link ThreadPoolExecutor} starts a
 * thread per task until it has its core size, idle threads or not, so a server polled one request
 * at a time kept all 32 threads (about 5 MB resident); with this queue it keeps as many as the
 * requests that overlap. Bounded: beyond its capacity, {@link #offer} refuses and the pool's
 * rejection handler decides.
 */
final class IdleFirstQueue extends LinkedBlockingQueue<Runnable> {

    private static final long serialVersionUID = 1L;

    private final AtomicInteger waiting = new AtomicInteger();
    private transient ThreadPoolExecutor pool;

    IdleFirstQueue(int capacity) {
        super(capacity);
    }

    /** Binds the pool whose size this queue consults; call once, before the first task. */
    void serve(ThreadPoolExecutor pool) {
        this.pool = pool;
    }

    @Override
    public boolean offer(Runnable task) {
        ThreadPoolExecutor executor = pool;
        if (executor != null && waiting.get() <= size()
                && executor.getPoolSize() < executor.getMaximumPoolSize()) {
            return false; // no thread waits for it: the pool starts one
        }
        return super.offer(task);
    }

    @Override
    public Runnable take() throws InterruptedException {
        waiting.incrementAndGet();
        try {
            return super.take();
        } finally {
            waiting.decrementAndGet();
        }
    }

    @Override
    public Runnable poll(long timeout, TimeUnit unit) throws InterruptedException {
        waiting.incrementAndGet();
        try {
            return super.poll(timeout, unit);
        } finally {
            waiting.decrementAndGet();
        }
    }
}

package io.containerlogging.forward;

import io.containerlogging.core.LogId;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.core.forward.ForwardSink;
import io.containerlogging.core.forward.RejectedMessagesException;
import io.containerlogging.core.forward.StoredMessage;
import io.containerlogging.core.spi.DaemonThreads;
import io.containerlogging.local.LocalLogBackend;
import io.containerlogging.local.StoreReader;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;

/**
 * Delivers what a {@link LocalLogBackend} stores to a {@link ForwardSink}, in id order, from a
 * durable cursor of its own: store and forward, with the backend's files as the buffer.
 *
 * <pre>{@code
 * Forwarder forwarder = Forwarder.builder(backend, SyslogSink.fromUri(URI.create("syslog+tcp://logs:601")))
 *         .name("central-syslog")
 *         .filter(LogQuery.builder().level(LogLevel.ERROR).build())
 *         .build();
 * forwarder.start();
 * ...
 * forwarder.close();
 * }</pre>
 *
 * <p>One thread reads the stored messages after the cursor ({@link LocalLogBackend#reader}) and
 * keeps those the filter matches, at most two batches ahead; another hands them to the sink in
 * batches of up to {@link Builder#batchSize}. The cursor ({@code <cursorDir>/<name>.cursor}) moves past a batch only
 * once the sink has acknowledged it, so a sink that is offline costs disk and nothing else: the
 * forwarder retries the same batch, waiting longer after each failure (from
 * {@link Builder#minRetryDelay} to {@link Builder#maxRetryDelay}), and catches up from the files
 * when the sink is back. After a crash, at most the batch that was being delivered is delivered
 * again. {@code log()} never waits on a forwarder.
 *
 * <p>A sink that {@linkplain ForwardSink#sendsStoredJson() sends stored JSON} gets each stored
 * line's bytes as they are ({@link ForwardSink#deliverStored}); messages are decoded only for the
 * filter, or for a sink that needs them (then on the reading thread, overlapping delivery).
 *
 * <p>Messages that retention or the disk budget deletes before the forwarder reaches them are
 * counted ({@link ForwarderStatus#missed()}) and reported as a system message in the backend.
 */
public final class Forwarder implements AutoCloseable {

    /** Messages per delivery at most. */
    public static final int DEFAULT_BATCH_SIZE = 500;
    /** The pause after the first failed delivery; it doubles with each further failure. */
    public static final Duration DEFAULT_MIN_RETRY_DELAY = Duration.ofSeconds(1);
    /** The longest pause between deliveries of a failing batch. */
    public static final Duration DEFAULT_MAX_RETRY_DELAY = Duration.ofSeconds(30);
    /** How often a forwarder with nothing to do looks for new messages, besides being woken at each flush. */
    public static final Duration POLL_INTERVAL = Duration.ofSeconds(1);
    /** How long {@link #close()} waits for a delivery in progress before giving up on it. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private static final System.Logger LOG = System.getLogger(Forwarder.class.getName());
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final long CURSOR_SAVE_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long CURSOR_FORCE_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** How long an idle forwarder waits for read-ahead at a time, so that close() is not kept waiting. */
    private static final long IDLE_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final String name;
    private final LocalLogBackend backend;
    private final ForwardSink sink;
    private final String target;
    private final LogQuery filter;
    private final int batchSize;
    private final long minRetryNanos;
    private final long maxRetryNanos;
    private final DeliveryRate rate;
    private final ForwardCursor cursor;
    private final ThreadFactory threadFactory;
    private final Duration closeTimeout;
    private final Clock clock;

    private final Object lock = new Object(); // guards the fields below that the status reads
    private String state = "new";
    private String cursorId;
    private List<StoredMessage> pending = new ArrayList<>();
    private long delivered;
    private long retried;
    private long filtered;
    private long missed;
    private long rejected;
    private String lastError;
    private Instant lastErrorAt;

    private volatile Thread thread;
    private volatile boolean stopping;
    private volatile StoreReader reader; // set by start()
    private ReadAhead readAhead; // set by start()
    private String pendingThrough; // guarded by lock: the cursor once pending is delivered
    private long savedNanos; // forwarder thread only
    private long forcedNanos; // forwarder thread only: when a save was last forced to the device
    private String savedId; // forwarder thread only

    private Forwarder(Builder builder) {
        this.name = builder.name;
        this.backend = builder.backend;
        this.sink = builder.sink;
        this.target = sink.target();
        this.filter = builder.filter;
        this.batchSize = builder.batchSize;
        this.minRetryNanos = builder.minRetryDelay.toNanos();
        this.maxRetryNanos = builder.maxRetryDelay.toNanos();
        this.rate = builder.maxDeliveries > 0 ? new DeliveryRate(builder.maxDeliveries, builder.per.toNanos()) : null;
        Path dir = builder.cursorDir != null ? builder.cursorDir : builder.backend.logDir().resolve("forwarders");
        this.cursor = new ForwardCursor(dir, name);
        this.threadFactory = builder.threadFactory != null ? builder.threadFactory
                : DaemonThreads.factory("forwarder-" + name);
        this.closeTimeout = builder.closeTimeout;
        this.clock = builder.clock;
    }

    /**
     * A forwarder of {@code backend}'s stored messages to {@code sink}.
     *
     * @param backend a backend with file persistence on; it must be running when {@link #start()} is called
     * @param sink where to deliver; the forwarder closes it when it is closed
     * @return a builder
     */
    public static Builder builder(LocalLogBackend backend, ForwardSink sink) {
        return new Builder(backend, sink);
    }

    /**
     * Loads the cursor and starts delivering. A new forwarder (no cursor file) starts at the
     * oldest stored message.
     *
     * @throws IOException if the cursor cannot be read
     * @throws IllegalStateException if started twice, or the backend is not running or has no files
     */
    public void start() throws IOException {
        synchronized (lock) {
            if (thread != null || stopping) {
                throw new IllegalStateException("forwarder '" + name + "' already started");
            }
            String saved = cursor.load();
            reader = backend.reader(saved);
            readAhead = new ReadAhead(reader, backend, filter, !sink.sendsStoredJson(), batchSize, threadFactory);
            cursorId = saved;
            savedId = saved;
            state = "starting";
            Thread started = threadFactory.newThread(this::run);
            thread = started;
            readAhead.start();
            started.start();
        }
    }

    /** The forwarder's name. */
    public String name() {
        return name;
    }

    /** What it is doing now. */
    public ForwarderStatus status() {
        String newest = backend.storedThrough();
        StoreReader reading = reader;
        long missedNow = reading == null ? 0 : reading.missed(); // the reader's count is the current one
        synchronized (lock) {
            long newestSequence = newest == null ? 0 : LogId.sequence(newest);
            long at = cursorId == null ? 0 : LogId.sequence(cursorId);
            long lag = Math.max(0, newestSequence - at);
            double lagSeconds = pending.isEmpty() ? 0
                    : Math.max(0, Duration.between(pending.get(0).message().timestamp(), clock.instant()).toMillis() / 1000.0);
            return new ForwarderStatus(name, target, state, cursorId, lag, lagSeconds, delivered, retried,
                    filtered, Math.max(missed, missedNow), rejected, lastError, lastErrorAt);
        }
    }

    private void run() {
        long failures = 0;
        while (!stopping) {
            try {
                fill(0);
                if (pendingSize() == 0) {
                    // Caught up: say so before waiting for more.
                    setState("idle");
                    saveIfDue(false);
                    fill(IDLE_WAIT_NANOS);
                    if (pendingSize() == 0) {
                        continue;
                    }
                }
                if (rate != null) {
                    long now = System.nanoTime();
                    long allowed = rate.nextAllowed(now);
                    if (allowed > now) {
                        pause(allowed);
                        fill(0); // what came meanwhile rides along
                    }
                    rate.started(System.nanoTime());
                }
                setState(failures == 0 ? "delivering" : "retrying");
                List<StoredMessage> batch = pendingSnapshot();
                try {
                    sink.deliverStored(batch);
                    delivered(batch.size(), List.of());
                } catch (RejectedMessagesException e) {
                    delivered(batch.size(), e.rejectedIds());
                    reportRejected(e);
                }
                failures = 0;
                saveIfDue(true);
            } catch (InterruptedException e) {
                break; // close() gave up waiting
            } catch (IOException | RuntimeException e) {
                if (stopping) {
                    break;
                }
                failures++;
                failed(e);
                long delay = Math.min(maxRetryNanos, minRetryNanos << Math.min(failures - 1, 20));
                pause(System.nanoTime() + delay);
            }
        }
        saveIfDue(true);
        setState("stopped");
    }

    /**
     * Tops the pending batch up to the batch size with what was read ahead, waiting up to
     * {@code waitNanos} for the first of it; counts and reports misses.
     */
    private void fill(long waitNanos) throws InterruptedException {
        long wait = waitNanos;
        int room;
        while ((room = batchSize - pendingSize()) > 0) {
            ReadAhead.Chunk chunk = readAhead.take(room, wait);
            if (chunk == null) {
                break;
            }
            wait = 0;
            synchronized (lock) {
                pending.addAll(chunk.messages());
                filtered += chunk.passedOver();
                pendingThrough = chunk.through();
                if (pending.isEmpty()) {
                    cursorId = chunk.through(); // passed over up to here
                }
            }
        }
        reportMissed();
    }

    private void reportMissed() {
        long total = reader.missed();
        long newly;
        synchronized (lock) {
            newly = total - missed;
            missed = total;
        }
        if (newly > 0) {
            String text = "Forwarder '" + name + "' to " + target + ": " + newly + " stored message"
                    + (newly == 1 ? " was" : "s were") + " deleted by retention or the disk budget before "
                    + "being forwarded (" + total + " since start)";
            LOG.log(System.Logger.Level.WARNING, text);
            backend.log(LogMessage.system(text, LogLevel.WARN, clock.instant()));
        }
    }

    private void delivered(int count, List<String> refused) {
        synchronized (lock) {
            delivered += count - refused.size();
            rejected += refused.size();
            pending = new ArrayList<>();
            cursorId = pendingThrough;
        }
    }

    /** Never silent: the refused messages are named in a system message, then passed over. */
    private void reportRejected(RejectedMessagesException e) {
        List<String> ids = e.rejectedIds();
        String text = "Forwarder '" + name + "' to " + target + ": " + ids.size() + " message"
                + (ids.size() == 1 ? " was" : "s were") + " refused for good and not forwarded ("
                + String.join(", ", ids.subList(0, Math.min(10, ids.size()))) + (ids.size() > 10 ? ", ..." : "")
                + "): " + e.getMessage();
        LOG.log(System.Logger.Level.WARNING, text);
        backend.log(LogMessage.system(text.length() > 2_000 ? text.substring(0, 2_000) + "…" : text,
                LogLevel.WARN, clock.instant()));
    }

    private void failed(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        LOG.log(System.Logger.Level.DEBUG, "forwarder '" + name + "' to " + target + " failed: " + message);
        synchronized (lock) {
            retried++;
            lastError = message.length() > 500 ? message.substring(0, 500) + "…" : message;
            lastErrorAt = clock.instant();
        }
    }

    /** Saves the cursor after a delivery (always) or after passing messages over (at most once a second). */
    private void saveIfDue(boolean now) {
        String at;
        synchronized (lock) {
            at = cursorId;
        }
        if (at == null || at.equals(savedId) || (!now && System.nanoTime() - savedNanos < CURSOR_SAVE_NANOS)) {
            return;
        }
        try {
            // Every save survives a crash of the process (the kernel has it); forcing it to the
            // device once a second bounds what a power loss can bring back, without an fsync per
            // batch (which cost more than the delivery itself: docs/BENCHMARKS.md).
            long nanos = System.nanoTime();
            boolean force = stopping || nanos - forcedNanos >= CURSOR_FORCE_NANOS;
            cursor.save(at, force);
            savedId = at;
            savedNanos = nanos;
            if (force) {
                forcedNanos = nanos;
            }
        } catch (IOException e) {
            // The next save tries again; until then a restart delivers a little more again.
            LOG.log(System.Logger.Level.WARNING, "cannot save forwarder cursor " + cursor + ": " + e);
        }
    }

    /** Waits until {@code deadline}, or until close(). */
    private void pause(long deadline) {
        long left;
        while (!stopping && (left = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(this, left);
        }
    }

    private int pendingSize() {
        synchronized (lock) {
            return pending.size();
        }
    }

    private List<StoredMessage> pendingSnapshot() {
        synchronized (lock) {
            return List.copyOf(pending);
        }
    }

    private void setState(String newState) {
        synchronized (lock) {
            state = newState;
        }
    }

    /**
     * Stops delivering, saves the cursor and closes the sink and the reader. A delivery in
     * progress is given {@link Builder#closeTimeout} to finish; what it does not deliver is
     * delivered after the next start.
     */
    @Override
    public void close() {
        Thread running;
        synchronized (lock) {
            if (stopping) {
                return;
            }
            stopping = true;
            running = thread;
        }
        if (running != null) {
            LockSupport.unpark(running);
            if (readAhead != null) {
                readAhead.wakeTaker();
            }
            try {
                running.join(closeTimeout.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (running.isAlive()) {
                running.interrupt(); // a sink blocked in I/O; closing it below ends the call
            }
        }
        try {
            sink.close();
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot close forward sink " + target + ": " + e);
        }
        if (running != null) {
            try {
                running.join(closeTimeout.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (readAhead != null) {
            readAhead.close();
        }
        cursor.close();
        if (reader != null) {
            reader.close();
        }
        setState("stopped");
    }

    @Override
    public String toString() {
        return "Forwarder[" + name + " -> " + target + "]";
    }

    /** Configuration of a {@link Forwarder}; every setting has the default named on it. */
    public static final class Builder {
        private final LocalLogBackend backend;
        private final ForwardSink sink;
        private String name;
        private LogQuery filter;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private Duration minRetryDelay = DEFAULT_MIN_RETRY_DELAY;
        private Duration maxRetryDelay = DEFAULT_MAX_RETRY_DELAY;
        private int maxDeliveries;
        private Duration per;
        private Path cursorDir;
        private ThreadFactory threadFactory;
        private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
        private Clock clock = Clock.systemUTC();

        private Builder(LocalLogBackend backend, ForwardSink sink) {
            this.backend = Objects.requireNonNull(backend, "backend");
            this.sink = Objects.requireNonNull(sink, "sink");
        }

        /**
         * The name: shown in the status and naming the cursor file, so it must stay the same
         * across restarts for the forwarder to resume. Required.
         *
         * @param name 1–64 letters, digits, {@code .}, {@code _} or {@code -}, starting with a letter or digit
         */
        public Builder name(String name) {
            this.name = checkName(name);
            return this;
        }

        /**
         * Checks a forwarder name, as {@link #name} does.
         *
         * @return {@code name}
         * @throws IllegalArgumentException quoting it, if it is not a valid name
         */
        public static String checkName(String name) {
            Objects.requireNonNull(name, "name");
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("forwarder name must be 1-64 letters, digits, '.', '_' or '-'"
                        + " starting with a letter or digit, was '" + name + "'");
            }
            return name;
        }

        /**
         * Forwards only the messages this query's filters match (service, level, search,
         * exclude, regex, fields; its limit and cursor are ignored). Default: every message.
         */
        public Builder filter(LogQuery filter) {
            this.filter = Objects.requireNonNull(filter, "filter").toBuilder().afterId(null).limit(null).build();
            return this;
        }

        /** Messages per delivery at most; default {@link #DEFAULT_BATCH_SIZE}. */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1 || batchSize > 100_000) {
                throw new IllegalArgumentException("batchSize must be 1..100000, was " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /**
         * The pauses between deliveries of a failing batch: {@code min} after the first failure,
         * doubling up to {@code max}. Defaults {@link #DEFAULT_MIN_RETRY_DELAY} and {@link #DEFAULT_MAX_RETRY_DELAY}.
         */
        public Builder retryDelay(Duration min, Duration max) {
            Objects.requireNonNull(min, "min");
            Objects.requireNonNull(max, "max");
            if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
                throw new IllegalArgumentException("retry delays must be positive with min <= max, were "
                        + min + " and " + max);
            }
            this.minRetryDelay = min;
            this.maxRetryDelay = max;
            return this;
        }

        /**
         * At most {@code max} deliveries in any {@code per}; messages held back go in the next
         * delivery (up to the batch size), never dropped. For a webhook that alerts people.
         * Default: no limit.
         */
        public Builder maxDeliveries(int max, Duration per) {
            Objects.requireNonNull(per, "per");
            if (max < 1 || per.isNegative() || per.isZero()) {
                throw new IllegalArgumentException("maxDeliveries needs max >= 1 and a positive interval, were "
                        + max + " per " + per);
            }
            this.maxDeliveries = max;
            this.per = per;
            return this;
        }

        /** Where the cursor file lives. Default: {@code forwarders} in the backend's log directory. */
        public Builder cursorDir(Path cursorDir) {
            this.cursorDir = Objects.requireNonNull(cursorDir, "cursorDir");
            return this;
        }

        /** The thread factory; default daemon threads named {@code container-logging-forwarder-<name>-N}. */
        public Builder threadFactory(ThreadFactory threadFactory) {
            this.threadFactory = Objects.requireNonNull(threadFactory, "threadFactory");
            return this;
        }

        /** How long {@link #close()} waits for a delivery in progress; default {@link #DEFAULT_CLOSE_TIMEOUT}. */
        public Builder closeTimeout(Duration closeTimeout) {
            Objects.requireNonNull(closeTimeout, "closeTimeout");
            if (closeTimeout.isNegative()) {
                throw new IllegalArgumentException("closeTimeout must not be negative, was " + closeTimeout);
            }
            this.closeTimeout = closeTimeout;
            return this;
        }

        /** The clock of lag and error times; default UTC system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @throws IllegalStateException if no name was given, or the backend does not persist to files
         */
        public Forwarder build() {
            if (name == null) {
                throw new IllegalStateException("a forwarder needs a name (it names its cursor file)");
            }
            if (!backend.persistsToFiles()) {
                throw new IllegalStateException("forwarding reads the backend's files: enableFilePersistence(true)");
            }
            return new Forwarder(this);
        }
    }
}

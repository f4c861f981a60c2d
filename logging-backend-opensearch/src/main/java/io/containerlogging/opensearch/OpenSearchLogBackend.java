package io.containerlogging.opensearch;

import io.containerlogging.core.BackendUnavailableException;
import io.containerlogging.core.CheckpointStore;
import io.containerlogging.core.LogBackend;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.core.spi.AbstractLogBackend;
import io.containerlogging.core.spi.BackendSettings;
import io.containerlogging.core.spi.SettingChecks;
import io.containerlogging.core.spi.WriteQueue;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import javax.net.ssl.SSLContext;

/**
 * A {@link LogBackend} that stores messages in OpenSearch, so that the logs of a whole fleet of
 * devices live in one distributed search engine and one API can answer for all of them.
 *
 * <h2>Writing</h2>
 * {@link #log(LogMessage)} assigns the id, hands the message to subscribers and puts it in a
 * bounded in-memory queue; it never waits on the network (when the queue is full it waits at most
 * {@link Builder#overflowWait(Duration) overflowWait} for room, by default not at all). One daemon thread
 * ({@code container-logging-opensearch-writer-N}) drains the queue into bulk requests of up to
 * {@link Builder#batchSize(int) batchSize} messages, at least every
 * {@link Builder#flushInterval(Duration) flushInterval}. While OpenSearch cannot be reached the
 * writer retries with exponential backoff (100 ms doubling up to
 * {@link Builder#maxRetryDelay(Duration) maxRetryDelay}) and messages wait: at most
 * {@link Builder#queueCapacity(int) queueCapacity} in the queue plus one batch in the writer's
 * hands. Beyond that, new messages are dropped (still returned with an id and delivered to
 * subscribers, but not stored), counted ({@link #statistics()}{@code .dropped()}), and reported through
 * {@code System.Logger} and, once OpenSearch is back, as a stored {@code warn} system message.
 * Items that OpenSearch refuses individually are retried when it says so (429, 5xx) and otherwise
 * counted ({@link #statistics()}{@code .rejected()}) and logged. A batch of long lines is sent as several requests of
 * at most {@link Builder#maxRequestBytes(long) maxRequestBytes}; a request refused as too large
 * (413) is halved, and a single message refused as too large is rejected. {@link #close()} writes what is queued, waiting at
 * most {@link Builder#closeTimeout(Duration) closeTimeout}. Writes become visible to queries
 * about a second later (OpenSearch's refresh interval); {@link #flush()} makes them visible now.
 *
 * <h2>Indices</h2>
 * One index per UTC day of the message timestamp, {@code <indexPrefix>-yyyy.MM.dd}, created from
 * the index template {@code <indexPrefix>} that the writer installs before its first write. The
 * explicit mapping has keyword fields for every filter, {@code time} as {@code date_nanos} (full
 * precision; OpenSearch stores nanosecond dates from 1970 to 2262 only: other messages are
 * rejected), {@code message} as text with a {@code message.keyword} sub-field, and
 * {@code seq}, the numeric id. Reads use the pattern {@code <indexPrefix>-*}, so a prefix must not
 * equal another backend's prefix followed by {@code -}. {@link #cleanup(Duration)} deletes the
 * daily indices that lie wholly before the cutoff and deletes by query the older part of the
 * cutoff's own day; nothing runs it on a schedule (the central API or an operator does).
 *
 * <h2>Ids and devices</h2>
 * Ids are {@code log-N} with N strictly increasing per backend and unique across the devices of a
 * fleet and across restarts: N combines the clock (in 1/256 ms) with a 10-bit device slot, by
 * default a hash of the {@link Builder#deviceId(String) deviceId}; a fleet of more than a few
 * dozen devices should give each its own {@link Builder#deviceSlot(int) deviceSlot} (0..1023) to
 * rule out collisions. At start the backend looks up the highest id stored for its slot and
 * continues after it. Across devices, ids follow time, so a central reader pages through what is
 * stored with {@code afterId} exactly as through one device; but a device's messages become
 * visible up to a flush interval (or, after an outage, much) later, with ids from when they were
 * logged, so a live poller that must see every message should stay behind the newest by a safety
 * margin (e.g. query with {@code until} a minute ago) or subscribe on the device itself.
 * Every message stored without a device id of its own gets the configured one.
 * Messages that devices forward with {@link OpenSearchSink} keep their devices' own ids, which
 * repeat across devices: query them with {@code deviceId} (see {@link OpenSearchSink}).
 *
 * <h2>Subscriptions</h2>
 * {@link #subscribe} delivers the messages logged through this backend instance (not those other
 * devices write to the same indices), like every backend built on {@link AbstractLogBackend}.
 *
 * <p>Thread-safety: all methods are thread-safe. {@code log()} holds one lock only to assign the
 * id, queue the message and hand it to the subscriptions' queues, so subscribers see id order.
 */
public final class OpenSearchLogBackend extends AbstractLogBackend {

    /** Default {@link Builder#endpoints(List)}: a local node. */
    public static final URI DEFAULT_ENDPOINT = URI.create("http://localhost:9200");
    /** Default {@link Builder#indexPrefix(String)}. */
    public static final String DEFAULT_INDEX_PREFIX = "container-logs";
    /** Default {@link Builder#batchSize(int)}. */
    public static final int DEFAULT_BATCH_SIZE = 1_000;
    /** Default {@link Builder#maxRequestBytes(long)}: 10 MiB, within OpenSearch's advice for bulk requests. */
    public static final long DEFAULT_MAX_REQUEST_BYTES = 10L * 1024 * 1024;
    /** Default {@link Builder#flushInterval(Duration)}. */
    public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofSeconds(1);
    /** Default {@link Builder#queueCapacity(int)}. */
    public static final int DEFAULT_QUEUE_CAPACITY = 50_000;
    /** Default {@link Builder#connectTimeout(Duration)}. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Default {@link Builder#requestTimeout(Duration)}. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** Default {@link Builder#maxRetryDelay(Duration)}. */
    public static final Duration DEFAULT_MAX_RETRY_DELAY = Duration.ofSeconds(30);
    /** Default {@link Builder#flushTimeout(Duration)}. */
    public static final Duration DEFAULT_FLUSH_TIMEOUT = Duration.ofSeconds(30);
    /** Default {@link Builder#closeTimeout(Duration)}. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(10);

    /** Default {@link Builder#checkpointRetention(Duration)}: 24 hours. */
    public static final Duration DEFAULT_CHECKPOINT_RETENTION = Duration.ofHours(24);
    /** Default {@link Builder#overflowWait(Duration)}: none, a full queue drops at once. */
    public static final Duration DEFAULT_OVERFLOW_WAIT = Duration.ZERO;

    private static final System.Logger LOG = System.getLogger(OpenSearchLogBackend.class.getName());

    private final Builder config;
    private final Clock clock;
    private final LogSequence sequence;
    private volatile OpenSearchStore store;
    private volatile BulkWriter bulk;
    private long lastCheckpointNanos; // queue worker only

    private OpenSearchLogBackend(Builder builder, LogSequence sequence) {
        super(new BackendSettings("opensearch", sequence, builder.deviceId, builder.clock, builder.threadFactory,
                builder.closeTimeout, builder.flushTimeout, new WriteQueue.Settings(builder.queueCapacity,
                        builder.batchSize, builder.flushInterval, builder.overflowWait),
                builder.checkpointStore, builder.checkpointRetention));
        this.config = builder;
        this.clock = builder.clock;
        this.sequence = sequence;
    }

    /**
     * A builder with every setting at its default.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    // ---- lifecycle ----------------------------------------------------------------------------

    /**
     * Connects and looks up the highest id stored for this device's slot. An unreachable node is
     * no failure: messages wait in the queue until it can be reached.
     */
    @Override
    protected long open() {
        OpenSearchStore newStore = new OpenSearchStore(OpenSearchConnection.transport(config.endpoints, config.username,
                config.password, config.sslContext, config.connectTimeout, config.requestTimeout), config.indexPrefix);
        long highest = 0;
        try {
            highest = newStore.maxSequence(sequence.slot());
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "OpenSearch at " + config.endpoints
                    + " cannot be reached at start (" + e + "); messages wait in the queue until it can");
        }
        bulk = new BulkWriter(newStore, config.queueCapacity, config.maxRequestBytes, config.maxRetryDelay);
        store = newStore;
        return highest;
    }

    @Override
    protected void shutdown() {
        OpenSearchStore current = store;
        if (current != null) {
            try {
                current.close();
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "closing the OpenSearch client failed", e);
            }
        }
    }

    // ---- writing ------------------------------------------------------------------------------

    @Override
    protected void writeBatch(List<LogMessage> batch) throws InterruptedException {
        bulk.write(batch);
        durablyStored(batch); // acknowledged (or rejected for good): never to be read again
        long now = System.nanoTime();
        if (now - lastCheckpointNanos >= config.flushInterval.toNanos()) {
            saveCheckpoints();
            lastCheckpointNanos = now;
        }
    }

    @Override
    protected int unwrittenAfterInterrupt(List<LogMessage> batch) {
        return bulk.unsettled();
    }

    @Override
    protected String dropReport(long count) {
        return "OpenSearch backend dropped " + count + " log messages because its queue (capacity "
                + config.queueCapacity + ") was full while OpenSearch was unreachable or too slow";
    }

    @Override
    protected void flushStore() {
        try {
            store.refresh();
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "flush: refreshing OpenSearch indices failed: " + e);
        }
    }

    // ---- reading ------------------------------------------------------------------------------

    /**
     * {@inheritDoc}
     *
     * @throws BackendUnavailableException if OpenSearch cannot be reached or fails the query
     * @throws IllegalStateException if the backend is not initialized or closed
     */
    @Override
    public List<LogMessage> getLogs(LogQuery query) {
        Objects.requireNonNull(query, "query");
        try {
            return openStore().search(query);
        } catch (IOException | RuntimeException e) {
            throw unavailable("query", e);
        }
    }

    @Override
    public long count() {
        return count(LogQuery.all());
    }

    /**
     * {@inheritDoc}
     *
     * @throws BackendUnavailableException if OpenSearch cannot be reached or fails the count
     * @throws IllegalStateException if the backend is not initialized or closed
     */
    @Override
    public long count(LogQuery query) {
        Objects.requireNonNull(query, "query");
        try {
            return openStore().count(query);
        } catch (IOException | RuntimeException e) {
            throw unavailable("count", e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws BackendUnavailableException if OpenSearch cannot be reached or fails the deletion
     * @throws IllegalStateException if the backend is not initialized or closed
     */
    @Override
    public long cleanup(Duration maxAge) {
        Objects.requireNonNull(maxAge, "maxAge");
        expireReadPositions(clock.instant().minus(config.checkpointRetention));
        try {
            return openStore().deleteBefore(clock.instant().minus(maxAge));
        } catch (IOException | RuntimeException e) {
            throw unavailable("cleanup", e);
        }
    }

    private static RuntimeException unavailable(String what, Exception e) {
        if (e instanceof IllegalStateException || e instanceof IllegalArgumentException) {
            return (RuntimeException) e; // our own state or a bad query, not the store's fault
        }
        return new BackendUnavailableException("OpenSearch " + what + " failed: " + e.getMessage(), e);
    }

    private OpenSearchStore openStore() {
        OpenSearchStore current = store;
        if (current == null) {
            throw new IllegalStateException("not initialized");
        }
        if (isClosed()) {
            throw new IllegalStateException("closed");
        }
        return current;
    }

    // ---- statistics ---------------------------------------------------------------------------

    @Override
    protected long storeWritten(long logged) {
        BulkWriter current = bulk;
        return current == null ? 0 : current.written();
    }

    @Override
    protected long storeRejected() {
        BulkWriter current = bulk;
        return current == null ? 0 : current.rejected();
    }

    /**
     * Bulk requests that failed as a whole (OpenSearch unreachable, timed out, 5xx) and were
     * retried; a measure of outages, not of messages.
     *
     * @return a count that only grows
     */
    public long failedRequests() {
        BulkWriter current = bulk;
        return current == null ? 0 : current.failedRequests();
    }

    /**
     * The 10-bit device slot in this backend's ids.
     *
     * @return a number from 0 to 1023
     */
    public int deviceSlot() {
        return sequence.slot();
    }

    @Override
    public String toString() {
        return "OpenSearchLogBackend" + config.endpoints + "/" + config.indexPrefix
                + (config.deviceId == null ? "" : " device " + config.deviceId);
    }

    // ---- configuration ------------------------------------------------------------------------

    /**
     * Configures an {@link OpenSearchLogBackend}. Every setter validates at once and names the
     * bad value. Not thread-safe.
     */
    public static final class Builder {
        private List<URI> endpoints = List.of(DEFAULT_ENDPOINT);
        private String username;
        private String password;
        private SSLContext sslContext;
        private String indexPrefix = DEFAULT_INDEX_PREFIX;
        private String deviceId;
        private Integer deviceSlot;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private long maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;
        private Duration flushInterval = DEFAULT_FLUSH_INTERVAL;
        private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private Duration maxRetryDelay = DEFAULT_MAX_RETRY_DELAY;
        private Duration flushTimeout = DEFAULT_FLUSH_TIMEOUT;
        private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
        private Clock clock = Clock.systemUTC();
        private ThreadFactory threadFactory;
        private Duration overflowWait = DEFAULT_OVERFLOW_WAIT;
        private CheckpointStore checkpointStore;
        private Duration checkpointRetention = DEFAULT_CHECKPOINT_RETENTION;

        private Builder() {
        }

        private Builder copy() {
            Builder copy = new Builder();
            copy.endpoints = endpoints;
            copy.username = username;
            copy.password = password;
            copy.sslContext = sslContext;
            copy.indexPrefix = indexPrefix;
            copy.deviceId = deviceId;
            copy.deviceSlot = deviceSlot;
            copy.batchSize = batchSize;
            copy.maxRequestBytes = maxRequestBytes;
            copy.flushInterval = flushInterval;
            copy.queueCapacity = queueCapacity;
            copy.connectTimeout = connectTimeout;
            copy.requestTimeout = requestTimeout;
            copy.maxRetryDelay = maxRetryDelay;
            copy.flushTimeout = flushTimeout;
            copy.closeTimeout = closeTimeout;
            copy.clock = clock;
            copy.threadFactory = threadFactory;
            copy.overflowWait = overflowWait;
            copy.checkpointStore = checkpointStore;
            copy.checkpointRetention = checkpointRetention;
            return copy;
        }

        /**
         * The nodes to talk to, e.g. {@code http://os1:9200}; requests are spread over them.
         * Default {@code http://localhost:9200}.
         *
         * @throws NullPointerException if null or containing null
         * @throws IllegalArgumentException if empty, or an endpoint is not an absolute http(s) URI
         *     with a host and without a path
         */
        public Builder endpoints(List<URI> endpoints) {
            this.endpoints = OpenSearchConnection.checkedEndpoints(endpoints);
            return this;
        }

        /**
         * The nodes to talk to, as URLs ({@code http://os1:9200,http://os2:9200} split by the
         * caller, or one).
         *
         * @see #endpoints(List)
         */
        public Builder endpoints(String... urls) {
            this.endpoints = OpenSearchConnection.parsedEndpoints(urls);
            return this;
        }

        /**
         * HTTP basic authentication, sent with every request (use https endpoints). Default none.
         *
         * @throws NullPointerException if either is null
         * @throws IllegalArgumentException if the username is empty or contains ':'
         */
        public Builder basicAuth(String username, String password) {
            OpenSearchConnection.checkBasicAuth(username, password);
            this.username = username;
            this.password = password;
            return this;
        }

        /**
         * The TLS context for https endpoints (e.g. one that trusts the cluster's CA). Default
         * none: the JVM's default context.
         *
         * @throws NullPointerException if null
         */
        public Builder sslContext(SSLContext sslContext) {
            this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
            return this;
        }

        /**
         * The prefix of the daily index names and the name of the index template. Default
         * {@value OpenSearchLogBackend#DEFAULT_INDEX_PREFIX}.
         *
         * @throws IllegalArgumentException unless lowercase letters, digits, '.', '_' and '-',
         *     starting with a letter or digit
         */
        public Builder indexPrefix(String indexPrefix) {
            this.indexPrefix = OpenSearchConnection.checkedIndexPrefix(indexPrefix);
            return this;
        }

        /**
         * The id of the device this backend runs on, stamped on every message stored without
         * one. Also picks the default {@link #deviceSlot(int) deviceSlot}. Default none.
         *
         * @throws IllegalArgumentException if blank
         */
        public Builder deviceId(String deviceId) {
            if (deviceId != null && deviceId.isBlank()) {
                throw new IllegalArgumentException("deviceId must not be blank, was '" + deviceId + "'");
            }
            this.deviceId = deviceId;
            return this;
        }

        /**
         * The 10-bit slot in this device's ids, 0..1023; give every device of a fleet its own to
         * guarantee unique ids. Default: a hash of the device id (0 without one).
         *
         * @throws IllegalArgumentException if outside 0..1023
         */
        public Builder deviceSlot(int deviceSlot) {
            if (deviceSlot < 0 || deviceSlot >= LogSequence.SLOTS) {
                throw new IllegalArgumentException("deviceSlot must be in 0.." + (LogSequence.SLOTS - 1)
                        + ", was " + deviceSlot);
            }
            this.deviceSlot = deviceSlot;
            return this;
        }

        /**
         * The most messages in one bulk request. Default {@value OpenSearchLogBackend#DEFAULT_BATCH_SIZE}.
         *
         * @throws IllegalArgumentException if not positive
         */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize must be >= 1, was " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /**
         * The most bytes (estimated, at most 3 per char) one bulk request may carry; a batch of
         * long lines is sent as several requests so that it stays below OpenSearch's
         * {@code http.max_content_length} (100 MB by default). A single message is always sent,
         * whatever its size. Default 10 MiB.
         *
         * @throws IllegalArgumentException if below 64 KiB
         */
        public Builder maxRequestBytes(long maxRequestBytes) {
            this.maxRequestBytes = OpenSearchConnection.checkedMaxRequestBytes(maxRequestBytes);
            return this;
        }

        /**
         * The longest a message waits for its batch to fill before it is sent. Default 1 second.
         *
         * @throws IllegalArgumentException if zero or negative
         */
        public Builder flushInterval(Duration flushInterval) {
            this.flushInterval = positive(flushInterval, "flushInterval");
            return this;
        }

        /**
         * How many messages may wait for the writer; more are dropped and counted. Default
         * {@value OpenSearchLogBackend#DEFAULT_QUEUE_CAPACITY}.
         *
         * @throws IllegalArgumentException if not positive
         */
        public Builder queueCapacity(int queueCapacity) {
            if (queueCapacity < 1) {
                throw new IllegalArgumentException("queueCapacity must be >= 1, was " + queueCapacity);
            }
            this.queueCapacity = queueCapacity;
            return this;
        }

        /**
         * The longest to wait for a connection to a node (also bounds {@link #initialize()}).
         * Default 5 seconds.
         *
         * @throws IllegalArgumentException if zero or negative
         */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = positive(connectTimeout, "connectTimeout");
            return this;
        }

        /**
         * The longest to wait for a response. Default 30 seconds.
         *
         * @throws IllegalArgumentException if zero or negative
         */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = positive(requestTimeout, "requestTimeout");
            return this;
        }

        /**
         * The longest pause between retries of a failed bulk request (the backoff starts at
         * 100 ms and doubles). Default 30 seconds.
         *
         * @throws IllegalArgumentException if below 100 ms
         */
        public Builder maxRetryDelay(Duration maxRetryDelay) {
            positive(maxRetryDelay, "maxRetryDelay");
            if (maxRetryDelay.compareTo(BulkWriter.INITIAL_RETRY_DELAY) < 0) {
                throw new IllegalArgumentException("maxRetryDelay must be >= 100ms, was " + maxRetryDelay);
            }
            this.maxRetryDelay = maxRetryDelay;
            return this;
        }

        /**
         * The longest {@link OpenSearchLogBackend#flush()} waits for the writer. Default 30 seconds.
         *
         * @throws IllegalArgumentException if zero or negative
         */
        public Builder flushTimeout(Duration flushTimeout) {
            this.flushTimeout = positive(flushTimeout, "flushTimeout");
            return this;
        }

        /**
         * The longest {@link OpenSearchLogBackend#close()} waits for the queue to be written;
         * what is left then is counted as dropped. Default 10 seconds.
         *
         * @throws IllegalArgumentException if zero or negative
         */
        public Builder closeTimeout(Duration closeTimeout) {
            this.closeTimeout = positive(closeTimeout, "closeTimeout");
            return this;
        }

        /**
         * Where the read checkpoints of container streams are kept across restarts, so that a
         * Docker monitor writing into this backend resumes each container exactly after the last
         * line OpenSearch acknowledged. Saved from the writer thread after acknowledged writes, at
         * most every flush interval. Default: none (positions are kept in memory only, and a
         * restarted monitor reads each container from its history window again).
         *
         * @param checkpointStore e.g. {@code CheckpointStore.file(dataDir.resolve("checkpoints.json"))}
         * @return this builder
         */
        public Builder checkpointStore(CheckpointStore checkpointStore) {
            this.checkpointStore = Objects.requireNonNull(checkpointStore, "checkpointStore");
            return this;
        }

        /**
         * How long the checkpoint of a container stream is kept after its last line. Default
         * {@link #DEFAULT_CHECKPOINT_RETENTION}.
         *
         * @param checkpointRetention a positive duration
         * @return this builder
         */
        public Builder checkpointRetention(Duration checkpointRetention) {
            this.checkpointRetention = SettingChecks.positive(checkpointRetention, "checkpointRetention");
            return this;
        }

        /**
         * How long {@code log()} waits for room when the queue is full before it drops the
         * message. Default {@link #DEFAULT_OVERFLOW_WAIT}: a host's {@code log()} call never
         * waits on an outage. A collector that can pause its input (as the Docker monitor can,
         * since dockerd keeps the lines) loses less with a few seconds. After one wait runs out,
         * further messages drop at once until the queue has drained.
         *
         * @param overflowWait zero or a positive duration
         * @return this builder
         */
        public Builder overflowWait(Duration overflowWait) {
            this.overflowWait = SettingChecks.notNegative(overflowWait, "overflowWait");
            return this;
        }

        /**
         * The clock for ids, cleanup cutoffs and drop reports. Default {@link Clock#systemUTC()}.
         *
         * @throws NullPointerException if null
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Makes the writer thread. Default: daemon threads named
         * {@code container-logging-opensearch-writer-N}.
         *
         * @throws NullPointerException if null
         */
        public Builder threadFactory(ThreadFactory threadFactory) {
            this.threadFactory = Objects.requireNonNull(threadFactory, "threadFactory");
            return this;
        }

        private static Duration positive(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isZero() || value.isNegative()) {
                throw new IllegalArgumentException(name + " must be positive, was " + value);
            }
            return value;
        }

        /** A new, not yet initialized backend with these settings. */
        public OpenSearchLogBackend build() {
            Builder copy = copy();
            return new OpenSearchLogBackend(copy, new LogSequence(
                    copy.deviceSlot != null ? copy.deviceSlot : LogSequence.slotOf(copy.deviceId), copy.clock));
        }
    }
}

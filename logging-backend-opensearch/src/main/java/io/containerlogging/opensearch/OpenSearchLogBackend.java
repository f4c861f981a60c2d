package io.containerlogging.opensearch;

import io.containerlogging.core.LogBackend;
import io.containerlogging.core.LogFanout;
import io.containerlogging.core.LogId;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.core.LogSubscriber;
import io.containerlogging.core.LogSubscription;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.message.BasicHeader;
import org.apache.hc.core5.util.Timeout;
import org.opensearch.client.transport.OpenSearchTransport;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;

/**
 * A {@link LogBackend} that stores messages in OpenSearch, so that the logs of a whole fleet of
 * devices live in one distributed search engine and one API can answer for all of them.
 *
 * <h2>Writing</h2>
 * {@link #log(LogMessage)} assigns the id, hands the message to subscribers and puts it in a
 * bounded in-memory queue; it never waits on the network. One daemon thread
 * ({@code container-logging-opensearch-writer-N}) drains the queue into bulk requests of up to
 * {@link Builder#batchSize(int) batchSize} messages, at least every
 * {@link Builder#flushInterval(Duration) flushInterval}. While OpenSearch cannot be reached the
 * writer retries with exponential backoff (100 ms doubling up to
 * {@link Builder#maxRetryDelay(Duration) maxRetryDelay}) and messages wait: at most
 * {@link Builder#queueCapacity(int) queueCapacity} in the queue plus one batch in the writer's
 * hands. Beyond that, new messages are dropped (still returned with an id and delivered to
 * subscribers, but not stored), counted in {@link #dropped()}, and reported through
 * {@code System.Logger} and, once OpenSearch is back, as a stored {@code warn} system message.
 * Items that OpenSearch refuses individually are retried when it says so (429, 5xx) and otherwise
 * counted in {@link #rejected()} and logged. A batch of long lines is sent as several requests of
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
 *
 * <h2>Subscriptions</h2>
 * {@link #subscribe} delivers the messages logged through this backend instance (not those other
 * devices write to the same indices), via {@link LogFanout}.
 *
 * <p>Thread-safety: all methods are thread-safe. {@code log()} holds one lock only to assign the
 * id, queue the message and hand it to the subscriptions' queues, so subscribers see id order.
 */
public final class OpenSearchLogBackend implements LogBackend {

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

    private static final System.Logger LOG = System.getLogger(OpenSearchLogBackend.class.getName());
    private static final AtomicInteger WRITER_THREADS = new AtomicInteger();
    private static final AtomicInteger FANOUT_THREADS = new AtomicInteger();
    private static final Pattern INDEX_PREFIX = Pattern.compile("[a-z0-9][a-z0-9._-]{0,199}");

    private static final int NEW = 0;
    private static final int RUNNING = 1;
    private static final int CLOSED = 2;

    private final Builder config;
    private final String deviceId;
    private final Clock clock;
    private final LogSequence sequence;
    private final LogFanout fanout;
    private final Object appendLock = new Object();

    private int state = NEW; // guarded by appendLock
    private boolean initializing; // guarded by appendLock
    private volatile OpenSearchStore store;
    private volatile BulkWriter writer;

    private OpenSearchLogBackend(Builder builder) {
        this.config = builder.copy();
        this.deviceId = builder.deviceId;
        this.clock = builder.clock;
        this.sequence = new LogSequence(
                builder.deviceSlot != null ? builder.deviceSlot : LogSequence.slotOf(builder.deviceId), clock);
        this.fanout = new LogFanout(runnable -> {
            Thread thread = new Thread(runnable,
                    "container-logging-opensearch-subscriber-" + FANOUT_THREADS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** A builder with every setting at its default. */
    public static Builder builder() {
        return new Builder();
    }

    // ---- lifecycle ----------------------------------------------------------------------------

    /**
     * Creates the client, continues ids after the highest one stored for this device slot (if
     * OpenSearch answers within the connect timeout; if not, the clock alone keeps ids apart),
     * and starts the writer. Does not fail when OpenSearch is down: messages wait in the queue.
     *
     * @throws IllegalStateException if already initialized or closed
     */
    @Override
    public void initialize() {
        synchronized (appendLock) {
            if (state != NEW || initializing) {
                throw new IllegalStateException(state == CLOSED ? "closed" : "already initialized");
            }
            initializing = true;
        }
        // Outside the lock: a log() meanwhile returns at once (not running yet) instead of
        // waiting for the network.
        OpenSearchStore newStore = new OpenSearchStore(transport(config), config.indexPrefix);
        try {
            sequence.continueAfter(newStore.maxSequence(sequence.slot()));
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "OpenSearch at " + config.endpoints
                    + " cannot be reached at start (" + e + "); messages wait in the queue until it can");
        }
        synchronized (appendLock) {
            if (state == CLOSED) { // close() came first
                closeQuietly(newStore);
                throw new IllegalStateException("closed");
            }
            BulkWriter newWriter = new BulkWriter(newStore, config.queueCapacity, config.batchSize, config.maxRequestBytes,
                    config.flushInterval, config.maxRetryDelay, config.threadFactory, this::reportDrops);
            store = newStore;
            writer = newWriter;
            newWriter.start();
            state = RUNNING;
        }
    }

    private static void closeQuietly(OpenSearchStore store) {
        try {
            store.close();
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing the OpenSearch client failed", e);
        }
    }

    private static OpenSearchTransport transport(Builder config) {
        HttpHost[] hosts = config.endpoints.stream()
                .map(uri -> new HttpHost(uri.getScheme(), uri.getHost(), port(uri)))
                .toArray(HttpHost[]::new);
        ApacheHttpClient5TransportBuilder builder = ApacheHttpClient5TransportBuilder.builder(hosts);
        if (config.username != null) {
            String credentials = config.username + ":" + config.password;
            builder.setDefaultHeaders(new Header[] {new BasicHeader("Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)))});
        }
        SSLContext sslContext = config.sslContext;
        if (sslContext != null) {
            builder.setHttpClientConfigCallback(client -> client.setConnectionManager(
                    PoolingAsyncClientConnectionManagerBuilder.create()
                            .setTlsStrategy(ClientTlsStrategyBuilder.create().setSslContext(sslContext).build())
                            .build()));
        }
        Timeout connect = Timeout.ofMilliseconds(config.connectTimeout.toMillis());
        Timeout response = Timeout.ofMilliseconds(config.requestTimeout.toMillis());
        builder.setRequestConfigCallback(request -> request.setConnectTimeout(connect).setResponseTimeout(response));
        return builder.build();
    }

    private static int port(URI uri) {
        if (uri.getPort() != -1) {
            return uri.getPort();
        }
        return "https".equals(uri.getScheme()) ? 443 : 80;
    }

    /**
     * Writes what is queued (waiting at most the close timeout, then counting the rest as
     * dropped), closes subscriptions and the client. Safe to call more than once.
     */
    @Override
    public void close() {
        int previous;
        synchronized (appendLock) {
            previous = state;
            state = CLOSED;
        }
        if (previous != RUNNING) {
            fanout.close();
            return;
        }
        writer.close(config.closeTimeout);
        fanout.close();
        closeQuietly(store);
    }

    // ---- writing ------------------------------------------------------------------------------

    /**
     * Assigns the next id, stamps the configured device id on a message without one, queues it
     * for the writer and hands it to matching subscribers. Never blocks on the network and never
     * throws for a non-null message; if the queue is full the message is dropped from storage
     * and counted. Before {@link #initialize()} and after {@link #close()} the message is
     * returned unchanged and not stored.
     */
    @Override
    public LogMessage log(LogMessage message) {
        Objects.requireNonNull(message, "message");
        synchronized (appendLock) {
            if (state != RUNNING) {
                return message;
            }
            long next = sequence.next();
            LogMessage stored = new LogMessage(LogId.format(next), message.message(), message.timestamp(),
                    message.level(), message.source(), message.serviceId(), message.serviceName(),
                    message.containerId(), message.isStdErr(), message.isSystem(),
                    message.deviceId() != null ? message.deviceId() : deviceId);
            writer.offer(stored, next);
            fanout.publish(stored);
            return stored;
        }
    }

    private void reportDrops(long count) {
        log(LogMessage.system("OpenSearch backend dropped " + count
                + " log messages because its queue (capacity " + config.queueCapacity
                + ") was full while OpenSearch was unreachable or too slow", LogLevel.WARN, clock.instant()));
    }

    /**
     * Waits until every message logged before this call has been written (or rejected), at most
     * the {@link Builder#flushTimeout(Duration) flushTimeout}, then refreshes the indices so that
     * queries see them. If OpenSearch cannot be reached, returns after the timeout with a warning
     * logged. Does nothing before {@link #initialize()} or after {@link #close()}.
     */
    @Override
    public void flush() {
        BulkWriter currentWriter;
        synchronized (appendLock) {
            if (state != RUNNING) {
                return;
            }
            currentWriter = writer;
        }
        try {
            if (!currentWriter.awaitSettled(config.flushTimeout)) {
                LOG.log(System.Logger.Level.WARNING, "flush: queued messages not written within "
                        + config.flushTimeout + " (OpenSearch unreachable or slow?)");
            }
            store.refresh();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "flush: refreshing OpenSearch indices failed: " + e);
        }
    }

    // ---- reading ------------------------------------------------------------------------------

    /**
     * The stored (and refreshed) messages matching {@code query}, oldest first, with exactly the
     * limit and {@code afterId} semantics of {@link LogQuery}. Without a limit, pages through all
     * matches 10 000 at a time.
     *
     * @throws UncheckedIOException if OpenSearch cannot answer
     * @throws IllegalStateException before {@link #initialize()} or after {@link #close()}
     */
    @Override
    public List<LogMessage> getLogs(LogQuery query) {
        Objects.requireNonNull(query, "query");
        try {
            return openStore().search(query);
        } catch (IOException e) {
            throw new UncheckedIOException("OpenSearch query failed: " + e.getMessage(), e);
        }
    }

    /** @throws UncheckedIOException if OpenSearch cannot answer */
    @Override
    public long count() {
        return count(LogQuery.all());
    }

    /** @throws UncheckedIOException if OpenSearch cannot answer */
    @Override
    public long count(LogQuery query) {
        Objects.requireNonNull(query, "query");
        try {
            return openStore().count(query);
        } catch (IOException e) {
            throw new UncheckedIOException("OpenSearch count failed: " + e.getMessage(), e);
        }
    }

    /**
     * Removes the stored messages with a timestamp before {@code clock.instant() - maxAge}:
     * whole daily indices, and the older part of the cutoff's day. Messages still queued are not
     * affected (call {@link #flush()} first to include them). Removes those of every device
     * writing to this index prefix.
     *
     * @return how many messages were removed
     * @throws UncheckedIOException if OpenSearch cannot be reached
     */
    @Override
    public long cleanup(Duration maxAge) {
        Objects.requireNonNull(maxAge, "maxAge");
        try {
            return openStore().deleteBefore(clock.instant().minus(maxAge));
        } catch (IOException e) {
            throw new UncheckedIOException("OpenSearch cleanup failed: " + e.getMessage(), e);
        }
    }

    private OpenSearchStore openStore() {
        OpenSearchStore current = store;
        if (current == null) {
            throw new IllegalStateException("not initialized");
        }
        synchronized (appendLock) {
            if (state == CLOSED) {
                throw new IllegalStateException("closed");
            }
        }
        return current;
    }

    // ---- subscriptions ------------------------------------------------------------------------

    @Override
    public LogSubscription subscribe(LogQuery filter, int bufferSize, LogSubscriber subscriber) {
        return fanout.subscribe(filter, bufferSize, subscriber);
    }

    @Override
    public int subscriberCount() {
        return fanout.subscriberCount();
    }

    // ---- statistics ---------------------------------------------------------------------------

    /** How many messages were not stored because the queue was full (or left over at close). */
    public long dropped() {
        BulkWriter current = writer;
        return current == null ? 0 : current.dropped();
    }

    /** How many messages OpenSearch refused for good (e.g. a timestamp before 1970). */
    public long rejected() {
        BulkWriter current = writer;
        return current == null ? 0 : current.rejected();
    }

    /** How many messages OpenSearch has accepted from this backend. */
    public long written() {
        BulkWriter current = writer;
        return current == null ? 0 : current.written();
    }

    /**
     * How many requests to OpenSearch failed as a whole (unreachable, timed out, overloaded) and
     * were retried; grows while OpenSearch is down.
     */
    public long failedRequests() {
        BulkWriter current = writer;
        return current == null ? 0 : current.failedRequests();
    }

    /** How many messages wait in the queue now (not counting the batch being written). */
    public int queued() {
        BulkWriter current = writer;
        return current == null ? 0 : current.queued();
    }

    /** The device slot in the low bits of this backend's ids (see the class documentation). */
    public int deviceSlot() {
        return sequence.slot();
    }

    @Override
    public String toString() {
        return "OpenSearchLogBackend" + config.endpoints + "/" + config.indexPrefix
                + (deviceId == null ? "" : " device " + deviceId);
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
        private ThreadFactory threadFactory = runnable -> {
            Thread thread = new Thread(runnable, "container-logging-opensearch-writer-" + WRITER_THREADS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };

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
            Objects.requireNonNull(endpoints, "endpoints");
            if (endpoints.isEmpty()) {
                throw new IllegalArgumentException("endpoints must not be empty");
            }
            List<URI> checked = new ArrayList<>();
            for (URI endpoint : endpoints) {
                Objects.requireNonNull(endpoint, "an endpoint must not be null");
                if (!("http".equals(endpoint.getScheme()) || "https".equals(endpoint.getScheme()))
                        || endpoint.getHost() == null
                        || (endpoint.getPath() != null && !endpoint.getPath().isEmpty() && !endpoint.getPath().equals("/"))) {
                    throw new IllegalArgumentException(
                            "endpoint must be http(s)://host[:port] without a path, was '" + endpoint + "'");
                }
                checked.add(endpoint);
            }
            this.endpoints = List.copyOf(checked);
            return this;
        }

        /**
         * The nodes to talk to, as URLs ({@code http://os1:9200,http://os2:9200} split by the
         * caller, or one).
         *
         * @see #endpoints(List)
         */
        public Builder endpoints(String... urls) {
            List<URI> uris = new ArrayList<>();
            for (String url : Objects.requireNonNull(urls, "urls")) {
                Objects.requireNonNull(url, "an endpoint must not be null");
                try {
                    uris.add(URI.create(url.trim()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("endpoint is not a URI: '" + url + "'", e);
                }
            }
            return endpoints(uris);
        }

        /**
         * HTTP basic authentication, sent with every request (use https endpoints). Default none.
         *
         * @throws NullPointerException if either is null
         * @throws IllegalArgumentException if the username is empty or contains ':'
         */
        public Builder basicAuth(String username, String password) {
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(password, "password");
            if (username.isEmpty() || username.indexOf(':') >= 0) {
                throw new IllegalArgumentException("username must be non-empty without ':', was '" + username + "'");
            }
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
            Objects.requireNonNull(indexPrefix, "indexPrefix");
            if (!INDEX_PREFIX.matcher(indexPrefix).matches()) {
                throw new IllegalArgumentException("indexPrefix must be lowercase [a-z0-9._-] starting with "
                        + "a letter or digit, was '" + indexPrefix + "'");
            }
            this.indexPrefix = indexPrefix;
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
            if (maxRequestBytes < 64 * 1024) {
                throw new IllegalArgumentException("maxRequestBytes must be >= 65536, was " + maxRequestBytes);
            }
            this.maxRequestBytes = maxRequestBytes;
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
            return new OpenSearchLogBackend(this);
        }
    }
}

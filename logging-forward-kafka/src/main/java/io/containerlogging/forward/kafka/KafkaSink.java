package io.containerlogging.forward.kafka;

import io.containerlogging.core.LogMessage;
import io.containerlogging.core.forward.ForwardSink;
import io.containerlogging.core.forward.StoredMessage;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Forwards log messages to an Apache Kafka topic through the official client's idempotent producer
 * ({@code enable.idempotence=true}, {@code acks=all}).
 *
 * <p>Each message becomes one record: key {@code <deviceId>/<id>} in UTF-8 (for example
 * {@code edge-7/log-42}; split at the last slash, a log id has none; a message without a device
 * id has an empty one), value the message's JSON wire form as the REST API and the local files
 * carry it ({@link io.containerlogging.core.LogJson#toJson}), in UTF-8. All messages of one device
 * go to one partition (murmur2 of the device id, as Kafka's default partitioner hashes a key), so
 * a consumer reads a device's messages in id order. The record timestamp is the time of sending;
 * the log time is in the value. A message whose record would exceed {@link Builder#maxRecordBytes}
 * has its text cut to fit, marked {@code [truncated N bytes]}, and counted
 * ({@link #truncatedMessages()}): retrying a record the broker can never take would stop the
 * forwarder for good.
 *
 * <p>Delivery is at least once. {@link #deliver} sends the batch, flushes, and returns only when
 * every record is acknowledged by all in-sync replicas; otherwise it throws and the forwarder sends
 * the whole batch again, so the records of a failed batch that did arrive arrive twice. Within one
 * attempt the idempotent producer's own retries never duplicate. A consumer drops duplicates by
 * key. After a failed batch the producer is closed and a new one is made for the next attempt, which
 * recovers from any state the old one was in.
 *
 * <p>Time bounds: when the broker answers nothing, {@code deliver} throws about
 * {@link Builder#deliveryTimeout} after it started, at worst twice that: learning the topic's
 * partitions waits at most that long ({@code max.block.ms}), and so does a record for its
 * acknowledgement ({@code delivery.timeout.ms}).
 *
 * <p>Threads: the producer's own network thread ({@code kafka-producer-network-thread | <clientId>}),
 * made on the first {@code deliver}, so building a sink connects to nothing. Kafka's client logs
 * through SLF4J (a no-op without a binding); this class logs through {@link System.Logger}.
 *
 * <p>Thread-safety: {@link #deliver} is called by one thread at a time, as a forwarder does;
 * {@link #close()} may be called from any thread, and twice.
 */
public final class KafkaSink implements ForwardSink {

    /** Default {@link Builder#deliveryTimeout}: 30 seconds (Kafka's own default is 2 minutes). */
    public static final Duration DEFAULT_DELIVERY_TIMEOUT = Duration.ofSeconds(30);
    /** Default {@link Builder#linger}: 5 ms, Kafka's default since 4.0. */
    public static final Duration DEFAULT_LINGER = Duration.ofMillis(5);
    /** Default {@link Builder#closeTimeout}: 5 seconds. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(5);
    /** Default {@link Builder#compression}: gzip, which needs nothing beyond the JDK. */
    public static final KafkaCompression DEFAULT_COMPRESSION = KafkaCompression.GZIP;
    /**
     * Default {@link Builder#maxRecordBytes}: 1 000 000 bytes, below the 1 048 588 bytes a broker
     * accepts per batch by default ({@code message.max.bytes}).
     */
    public static final int DEFAULT_MAX_RECORD_BYTES = 1_000_000;

    /**
     * Producer settings the sink's delivery guarantees rest on; {@link Builder#property} refuses
     * them.
     */
    static final Set<String> FIXED = Set.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            ProducerConfig.ACKS_CONFIG, ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, ProducerConfig.MAX_BLOCK_MS_CONFIG,
            ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, ProducerConfig.LINGER_MS_CONFIG,
            ProducerConfig.COMPRESSION_TYPE_CONFIG, ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
            ProducerConfig.RETRIES_CONFIG, ProducerConfig.TRANSACTIONAL_ID_CONFIG,
            ProducerConfig.PARTITIONER_CLASS_CONFIG);

    private static final System.Logger LOG = System.getLogger(KafkaSink.class.getName());
    private static final AtomicInteger CLIENT_IDS = new AtomicInteger();

    private final KafkaUri target;
    private final Map<String, Object> producerProperties;
    private final Duration deliveryTimeout;
    private final Duration closeTimeout;
    private final KafkaRecords records;
    private final int maxRecordBytes;
    private final AtomicLong truncated = new AtomicLong();
    private final Object lock = new Object();
    // Guarded by lock: the producer of the current attempt, made lazily, dropped after a failure.
    private KafkaProducer<byte[], byte[]> producer;
    private boolean closed;

    private KafkaSink(Builder builder) {
        this.target = new KafkaUri(builder.bootstrapServers, builder.topic);
        this.deliveryTimeout = builder.deliveryTimeout;
        this.closeTimeout = builder.closeTimeout;
        this.records = new KafkaRecords(builder.maxRecordBytes);
        this.maxRecordBytes = builder.maxRecordBytes;
        Map<String, Object> props = new LinkedHashMap<>(builder.properties);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", builder.bootstrapServers));
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        // At most 5 in flight keeps order under idempotence, across the producer's own retries.
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        props.put(ProducerConfig.RETRIES_CONFIG, Integer.MAX_VALUE);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) deliveryTimeout.toMillis());
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, deliveryTimeout.toMillis());
        props.put(ProducerConfig.LINGER_MS_CONFIG, (int) builder.linger.toMillis());
        // Kafka requires delivery.timeout.ms >= linger.ms + request.timeout.ms.
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                (int) Math.min(30_000, deliveryTimeout.toMillis() - builder.linger.toMillis()));
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, builder.compression.kafkaName());
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, builder.maxRecordBytes + KafkaRecords.RECORD_OVERHEAD);
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "container-logging-kafka-" + CLIENT_IDS.incrementAndGet());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try {
            new ProducerConfig(props); // checks names and types now, without connecting anywhere
        } catch (KafkaException e) {
            throw new IllegalArgumentException("bad Kafka producer setting: " + e.getMessage(), e);
        }
        this.producerProperties = Map.copyOf(props);
    }

    /**
     * A sink for a {@code kafka://host:port/topic} URI with the default settings. Several bootstrap
     * servers are separated by commas ({@code kafka://h1:9092,h2:9092/logs}); a host without a port
     * gets 9092; an IPv6 host is written in brackets, and only alone ({@link URI} accepts no list
     * with brackets). Credentials, query parameters and a fragment are refused: for TLS or SASL use
     * {@link #builder()} and {@link Builder#property}.
     *
     * @param uri the URI
     * @return the sink; it connects on its first {@link #deliver}
     * @throws IllegalArgumentException quoting the URI and what is wrong with it
     */
    public static KafkaSink fromUri(URI uri) {
        KafkaUri parsed = KafkaUri.parse(uri);
        return builder().bootstrapServers(parsed.bootstrapServers()).topic(parsed.topic()).build();
    }

    /** A builder with the defaults named on its setters; bootstrap servers and topic are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** {@code kafka://host:port[,host:port...]/topic}. */
    @Override
    public String target() {
        return target.describe();
    }

    /**
     * Sends every message of the batch and returns once all are acknowledged ({@code acks=all}).
     *
     * @throws IOException if any record failed, the broker did not answer within the delivery
     *     timeout, or the topic's partitions could not be learned; the whole batch should be sent
     *     again
     * @throws InterruptedIOException if the calling thread was interrupted
     * @throws IllegalStateException if the sink is closed
     */
    @Override
    public void deliver(List<LogMessage> batch) throws IOException {
        Objects.requireNonNull(batch, "batch");
        deliver(batch, this::record);
    }

    /**
     * Sends every message of the batch as {@link #deliver} does, each record's value the stored
     * JSON as it is (the same bytes, without decoding and encoding the message again; only a
     * message too large for a record is decoded, to cut its text).
     */
    @Override
    public void deliverStored(List<StoredMessage> batch) throws IOException {
        Objects.requireNonNull(batch, "batch");
        deliver(batch, this::record);
    }

    /** True: {@link #deliverStored} sends the stored JSON. */
    @Override
    public boolean sendsStoredJson() {
        return true;
    }

    /** Makes the record of one message, knowing the topic's partition count. */
    private interface RecordMaker<T> {
        ProducerRecord<byte[], byte[]> record(T message, int partitions);
    }

    private <T> void deliver(List<T> batch, RecordMaker<T> maker) throws IOException {
        if (batch.isEmpty()) {
            return;
        }
        KafkaProducer<byte[], byte[]> current = producer();
        boolean delivered = false;
        try {
            send(current, batch, maker);
            delivered = true;
        } catch (InterruptException e) {
            Thread.currentThread().interrupt();
            throw interrupted(e);
        } catch (KafkaException e) {
            throw new IOException("Kafka " + target() + ": " + e.getMessage(), e);
        } finally {
            if (!delivered) {
                discard(current);
            }
        }
    }

    private <T> void send(KafkaProducer<byte[], byte[]> current, List<T> batch, RecordMaker<T> maker)
            throws IOException {
        long deadline = System.nanoTime() + deliveryTimeout.toNanos();
        // Blocks up to max.block.ms (the delivery timeout) while the topic's metadata is unknown.
        int partitions = current.partitionsFor(target.topic()).size();
        List<Future<RecordMetadata>> futures = new ArrayList<>(batch.size());
        for (T message : batch) {
            if (System.nanoTime() > deadline) { // send blocked (buffer full) for too long
                throw new IOException("Kafka " + target() + ": could not send within " + deliveryTimeout);
            }
            futures.add(current.send(maker.record(message, partitions)));
            if (futures.get(futures.size() - 1).isDone()) {
                await(futures.get(futures.size() - 1), 0); // failed at once (e.g. metadata): stop now
            }
        }
        // flush() sends what lingers now instead of after linger.ms; it returns when every record
        // has completed, at the latest when the unanswered ones expire (delivery.timeout.ms).
        current.flush();
        for (Future<RecordMetadata> future : futures) {
            await(future, Math.max(0, deadline - System.nanoTime()));
        }
    }

    private ProducerRecord<byte[], byte[]> record(LogMessage message, int partitions) {
        byte[] key = KafkaRecords.key(message);
        byte[] value = records.value(message, key.length);
        if (value == null) {
            value = records.shortenedValue(message, key.length);
            truncated.incrementAndGet();
            LOG.log(Level.WARNING, "Kafka {0}: message {1} is larger than a record may be; its text was truncated",
                    target(), message.id());
        }
        return new ProducerRecord<>(target.topic(), KafkaRecords.partition(message, partitions), key, value);
    }

    private ProducerRecord<byte[], byte[]> record(StoredMessage message, int partitions) {
        String deviceId = message.deviceId();
        byte[] key = KafkaRecords.key(deviceId, message.id());
        byte[] value;
        if (key.length + message.jsonLength() <= maxRecordBytes) {
            value = message.json();
        } else {
            value = records.shortenedValue(message.message(), key.length);
            truncated.incrementAndGet();
            LOG.log(Level.WARNING, "Kafka {0}: message {1} is larger than a record may be; its text was truncated",
                    target(), message.id());
        }
        return new ProducerRecord<>(target.topic(), KafkaRecords.partition(deviceId, partitions), key, value);
    }

    private void await(Future<RecordMetadata> future, long nanos) throws IOException {
        try {
            future.get(nanos, TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IOException("Kafka " + target() + ": " + cause.getMessage(), cause);
        } catch (TimeoutException e) {
            throw new IOException("Kafka " + target() + ": no acknowledgement within " + deliveryTimeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw interrupted(e);
        }
    }

    private static InterruptedIOException interrupted(Exception cause) {
        InterruptedIOException e = new InterruptedIOException("interrupted while delivering to Kafka");
        e.initCause(cause);
        return e;
    }

    private KafkaProducer<byte[], byte[]> producer() throws IOException {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("KafkaSink " + target() + " is closed");
            }
            if (producer == null) {
                try {
                    producer = new KafkaProducer<>(producerProperties);
                } catch (KafkaException e) {
                    // e.g. no bootstrap host resolves yet: a device may be offline, so retry later
                    throw new IOException("Kafka " + target() + ": cannot create a producer: " + e.getMessage(), e);
                }
            }
            return producer;
        }
    }

    /** Closes a producer after a failed batch; its unsent records belong to that batch. */
    private void discard(KafkaProducer<byte[], byte[]> failed) {
        synchronized (lock) {
            if (producer == failed) {
                producer = null;
            }
        }
        failed.close(Duration.ZERO);
    }

    /**
     * Messages whose text was cut so that their record fits {@link Builder#maxRecordBytes}.
     *
     * @return the count since the sink was built
     */
    public long truncatedMessages() {
        return truncated.get();
    }

    /**
     * The settings the sink's producer is made with (bootstrap servers, serializers, timeouts,
     * idempotence, compression, and every {@link Builder#property}).
     *
     * @return an unmodifiable copy
     */
    public Map<String, Object> producerProperties() {
        return producerProperties;
    }

    /**
     * Closes the producer, waiting up to {@link Builder#closeTimeout} for records still in flight;
     * its network thread ends. Safe to call twice.
     */
    @Override
    public void close() {
        KafkaProducer<byte[], byte[]> last;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            last = producer;
            producer = null;
        }
        if (last != null) {
            try {
                last.close(closeTimeout);
            } catch (InterruptException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Configures a {@link KafkaSink}. Not thread-safe. */
    public static final class Builder {
        private List<String> bootstrapServers;
        private String topic;
        private Duration deliveryTimeout = DEFAULT_DELIVERY_TIMEOUT;
        private Duration linger = DEFAULT_LINGER;
        private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
        private KafkaCompression compression = DEFAULT_COMPRESSION;
        private int maxRecordBytes = DEFAULT_MAX_RECORD_BYTES;
        private final Map<String, Object> properties = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * The brokers to bootstrap from, each {@code host:port}. Required.
         *
         * @throws IllegalArgumentException if the list is empty or an entry has no port
         */
        public Builder bootstrapServers(List<String> servers) {
            Objects.requireNonNull(servers, "servers");
            if (servers.isEmpty()) {
                throw new IllegalArgumentException("bootstrapServers must not be empty");
            }
            for (String server : servers) {
                Objects.requireNonNull(server, "server");
                int colon = server.lastIndexOf(':');
                if (colon <= 0 || colon == server.length() - 1) {
                    throw new IllegalArgumentException("bootstrap server \"" + server + "\" is not host:port");
                }
            }
            this.bootstrapServers = List.copyOf(servers);
            return this;
        }

        /**
         * The topic to write to. Required. The broker creates it on first use if it allows that
         * ({@code auto.create.topics.enable}); otherwise create it beforehand.
         *
         * @throws IllegalArgumentException if it is not a legal topic name
         */
        public Builder topic(String topic) {
            Objects.requireNonNull(topic, "topic");
            if (!KafkaUri.isTopicName(topic)) {
                throw new IllegalArgumentException("bad topic \"" + topic
                        + "\": 1 to 249 of a-z A-Z 0-9 . _ -, not \".\" or \"..\"");
            }
            this.topic = topic;
            return this;
        }

        /**
         * How long one {@link #deliver} may wait for the broker: the producer's
         * {@code delivery.timeout.ms} and {@code max.block.ms}. Default
         * {@link #DEFAULT_DELIVERY_TIMEOUT}.
         *
         * @throws IllegalArgumentException if under 1 second or over 24 hours
         */
        public Builder deliveryTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.compareTo(Duration.ofSeconds(1)) < 0 || timeout.compareTo(Duration.ofHours(24)) > 0) {
                throw new IllegalArgumentException("deliveryTimeout must be 1 s to 24 h, was " + timeout);
            }
            this.deliveryTimeout = timeout;
            return this;
        }

        /**
         * How long the producer waits to fill a record batch ({@code linger.ms}); {@link #deliver}
         * flushes at its end, so this matters only within a large batch. Default
         * {@link #DEFAULT_LINGER}.
         *
         * @throws IllegalArgumentException if negative or over 1 second
         */
        public Builder linger(Duration linger) {
            Objects.requireNonNull(linger, "linger");
            if (linger.isNegative() || linger.compareTo(Duration.ofSeconds(1)) > 0) {
                throw new IllegalArgumentException("linger must be 0 to 1 s, was " + linger);
            }
            this.linger = linger;
            return this;
        }

        /**
         * How long {@link #close()} waits for records in flight. Default
         * {@link #DEFAULT_CLOSE_TIMEOUT}.
         *
         * @throws IllegalArgumentException if negative
         */
        public Builder closeTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("closeTimeout must not be negative, was " + timeout);
            }
            this.closeTimeout = timeout;
            return this;
        }

        /** The codec for record batches. Default {@link #DEFAULT_COMPRESSION}. */
        public Builder compression(KafkaCompression compression) {
            this.compression = Objects.requireNonNull(compression, "compression");
            return this;
        }

        /**
         * The most bytes of key and value one record may take; the text of a larger message is cut.
         * Keep it at or below the topic's {@code max.message.bytes}, or the broker refuses such
         * records and delivery stops at them. Default {@link #DEFAULT_MAX_RECORD_BYTES}.
         *
         * @throws IllegalArgumentException if under 4 096 or over 64 MiB
         */
        public Builder maxRecordBytes(int bytes) {
            if (bytes < 4096 || bytes > 64 << 20) {
                throw new IllegalArgumentException("maxRecordBytes must be 4096 to 64 MiB, was " + bytes);
            }
            this.maxRecordBytes = bytes;
            return this;
        }

        /**
         * Any other producer setting, passed as is: TLS and SASL ({@code security.protocol},
         * {@code ssl.*}, {@code sasl.*}), {@code client.id}, {@code batch.size}, {@code buffer.memory}.
         *
         * @throws IllegalArgumentException for a setting the sink sets itself (idempotence, acks,
         *     in-flight requests, retries, timeouts, linger, compression, request size, serializers,
         *     partitioner, transactions); use the builder's own setters for those that have one
         */
        public Builder property(String name, Object value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            if (FIXED.contains(name)) {
                throw new IllegalArgumentException("producer setting \"" + name + "\" is set by KafkaSink itself");
            }
            properties.put(name, value);
            return this;
        }

        /**
         * The sink. It connects on its first {@link KafkaSink#deliver}.
         *
         * @throws IllegalStateException if bootstrap servers or topic are missing, or the compression
         *     library is not on the class path
         * @throws IllegalArgumentException if a {@link #property} has a bad value
         */
        public KafkaSink build() {
            if (bootstrapServers == null) {
                throw new IllegalStateException("bootstrapServers is required");
            }
            if (topic == null) {
                throw new IllegalStateException("topic is required");
            }
            if (linger.compareTo(deliveryTimeout) >= 0) {
                throw new IllegalStateException("linger " + linger + " must be shorter than deliveryTimeout " + deliveryTimeout);
            }
            compression.checkAvailable();
            return new KafkaSink(this);
        }
    }
}

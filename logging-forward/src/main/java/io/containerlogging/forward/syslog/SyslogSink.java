package io.containerlogging.forward.syslog;

import io.containerlogging.core.LogMessage;
import io.containerlogging.core.forward.CanonicalSpans;
import io.containerlogging.core.forward.ForwardSink;
import io.containerlogging.core.forward.StoredMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;

/**
 * A {@link ForwardSink} that sends each message as an RFC 5424 syslog message over TCP with
 * octet-counted framing (RFC 6587), or over TLS (RFC 5425). The log id travels as MSGID; container,
 * service and device in the structured-data element {@code [cl@32473 ...]}; the line itself as MSG
 * (UTF-8 without a byte order mark); the level as the severity (error 3, warn 4, info 6, debug 7).
 * docs/forwarding-syslog.md describes the format field by field.
 *
 * <p><b>Delivery.</b> Syslog over TCP has no acknowledgements: {@link #deliver} returns once the
 * batch is written and flushed into the socket. A receiver that stops or crashes right after loses
 * what was still in the socket buffers. So {@link #deliver} throws for every failure it can see
 * (including a close noticed while the batch was sent), and the forwarder sends that batch again;
 * and the sink keeps the newest delivered messages ({@link Builder#resendBytes(long)}, 4 MiB) and
 * sends them again first on the next connection after one ended unexpectedly. Receivers see every
 * message at least once and can drop the duplicates by HOSTNAME (device) and MSGID (log id).
 *
 * <p><b>Connection.</b> One connection, opened on the first {@link #deliver} and again on the
 * first one after a failure; nothing reconnects in the background. Connecting is bounded by
 * {@link Builder#connectTimeout(Duration)}, writing by {@link Builder#writeTimeout(Duration)}: a
 * receiver that stops reading makes {@link #deliver} throw a {@link SocketTimeoutException}.
 *
 * <p><b>Threads.</b> One reader per connection (it notices the receiver closing) and one watchdog
 * (it bounds writes), daemons named {@code container-logging-syslog-N} unless a
 * {@link Builder#threadFactory(ThreadFactory) factory} is given.
 *
 * <p>Thread-safe: calls to {@link #deliver} are serialised; {@link #close()} may be called from any
 * thread and makes a running {@link #deliver} fail.
 */
public final class SyslogSink implements ForwardSink {

    /** Default of {@link Builder#connectTimeout(Duration)}: 5 seconds, for the TCP connect and the TLS handshake each. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /** Default of {@link Builder#writeTimeout(Duration)}: 10 seconds without any write progress. */
    public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(10);

    /** Default of {@link Builder#appName(String)}: {@value}. */
    public static final String DEFAULT_APP_NAME = "container-logging";

    /**
     * Default of {@link Builder#facility(int)}: 1, "user-level messages", which is what container
     * output is; the local0–local7 facilities are each site's to assign, so taking one could collide
     * with an existing routing rule.
     */
    public static final int DEFAULT_FACILITY = 1;

    /**
     * Default of {@link Builder#maxMessageSize(int)}: {@value} bytes, the size RFC 5425 asks every
     * receiver to accept and rsyslog's default limit; longer lines are cut (see there).
     */
    public static final int DEFAULT_MAX_MESSAGE_SIZE = 8192;

    /**
     * Default of {@link Builder#resendBytes(long)}: 4 MiB. Linux starts a connection's receive
     * buffer at 128 KiB and our write buffer is 64 KiB, so this covers a receiver that keeps up; one
     * that stalled while the sender pushed can hold more unread (Linux grows the buffer up to
     * tcp_rmem's maximum), and then more may be lost.
     */
    public static final long DEFAULT_RESEND_BYTES = 4L << 20;

    /** Default port of {@code syslog+tls://} URIs: 6514, assigned to syslog over TLS by RFC 5425. */
    public static final int DEFAULT_TLS_PORT = 6514;

    private static final System.Logger LOG = System.getLogger(SyslogSink.class.getName());
    private static final AtomicInteger THREAD_NUMBERS = new AtomicInteger();
    private static final int MAX_KEPT_BUFFER = 8 << 20;
    /**
     * An orderly close this long after the last write resends nothing: everything had arrived and
     * been read (receivers and load balancers closing idle connections would otherwise cause
     * duplicates at every reconnect).
     */
    static final Duration QUIET_BEFORE_CLOSE = Duration.ofSeconds(30);

    private final String host;
    private final int port;
    private final SSLSocketFactory tls;
    private final Duration connectTimeout;
    private final Duration writeTimeout;
    private final ThreadFactory threads;
    private final LongSupplier ticker;
    private final String target;
    private final Rfc5424Encoder encoder;
    private final WriteWatchdog watchdog;
    private final Object deliverLock = new Object();
    private final AtomicLong truncated = new AtomicLong();
    private final AtomicLong connects = new AtomicLong();
    private final AtomicLong resent = new AtomicLong();
    private Rfc5424Encoder.Bytes batchFrames;
    /** Appends a canonical stored line's frame to {@link #batchFrames}; under {@link #deliverLock}. */
    private final StoredMessage.CanonicalJsonReader<Boolean> storedFrame;
    private final RecentFrames recent;
    private boolean resendPending;
    private volatile SyslogConnection connection;
    private volatile boolean closed;

    private SyslogSink(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.tls = b.tls == null ? null : b.tls.getSocketFactory();
        this.connectTimeout = b.connectTimeout;
        this.writeTimeout = b.writeTimeout;
        this.threads = b.threadFactory != null ? b.threadFactory : SyslogSink::newDaemon;
        this.ticker = b.ticker;
        this.target = (tls == null ? "syslog+tcp://" : "syslog+tls://") + hostForUri(host) + ":" + port;
        this.encoder = new Rfc5424Encoder(b.facility, b.appName, b.maxMessageSize, b.byteOrderMark);
        this.storedFrame = new StoredMessage.CanonicalJsonReader<>() {
            @Override
            public Boolean read(byte[] json, int offset, int length) {
                return encoder.appendStoredFrame(json, offset, length, batchFrames);
            }

            @Override
            public Boolean read(byte[] json, int offset, int length, CanonicalSpans spans) {
                // The usual case: the line's check found its fields, so the frame is made without
                // walking the line again.
                return spans == null ? read(json, offset, length)
                        : encoder.appendStoredFrame(json, offset, spans, batchFrames);
            }
        };
        this.watchdog = new WriteWatchdog(writeTimeout, threads);
        this.recent = new RecentFrames(b.resendBytes);
    }

    /**
     * A builder for a sink sending to {@code host:port} over plain TCP until {@link Builder#tls()}
     * or one of its variants is called.
     *
     * @throws NullPointerException if {@code host} is null
     * @throws IllegalArgumentException if {@code host} is empty or {@code port} is not 1–65535
     */
    public static Builder builder(String host, int port) {
        return new Builder(host, port);
    }

    /**
     * A sink from a URI such as {@code syslog+tcp://logs.example:514} or
     * {@code syslog+tls://logs.example:6514?ca=/etc/ssl/private-ca.pem}. Parameters:
     * {@code ca} (PEM file of the CA certificates to trust, TLS only; default: the JVM's trust
     * store), {@code maxMessageSize}, {@code appName} and {@code facility} (a number 0–23 or a name
     * such as {@code local0}), as in the {@link Builder}. The port is required for
     * {@code syslog+tcp} (there is no standard one) and defaults to {@value #DEFAULT_TLS_PORT} for
     * {@code syslog+tls}.
     *
     * @throws NullPointerException if {@code uri} is null
     * @throws IllegalArgumentException naming what is wrong: scheme, host, port, path, user info,
     *     an unknown parameter or a bad value
     */
    public static SyslogSink fromUri(URI uri) {
        return SyslogUri.parse(uri).build();
    }

    @Override
    public String target() {
        return target;
    }

    /** How many lines were cut to fit the maximum message size since this sink was built. */
    public long truncatedMessages() {
        return truncated.get();
    }

    /**
     * How many messages were sent again after a connection ended unexpectedly (see
     * {@link Builder#resendBytes(long)}): the duplicates this sink may have caused beyond failed batches.
     */
    public long resentMessages() {
        return resent.get();
    }

    /** True while a connection is open and not known to be broken (for tests). */
    boolean connectionOpen() {
        SyslogConnection c = connection;
        return c != null && !c.broken();
    }

    /** How many connections this sink has opened (the first and every reconnection). */
    public long connections() {
        return connects.get();
    }

    /**
     * Writes the batch in order and flushes it. Reconnects first if the previous call failed or the
     * receiver has closed the connection since.
     *
     * @throws IOException if the receiver cannot be reached, the connection fails or closes while
     *     the batch is written, no write progresses for the write timeout
     *     ({@link SocketTimeoutException}), or the sink is closed; the batch may have arrived in
     *     part and should be delivered again
     */
    @Override
    public void deliver(List<LogMessage> batch) throws IOException {
        Objects.requireNonNull(batch, "batch");
        synchronized (deliverLock) {
            Rfc5424Encoder.Bytes frames = framesBuffer(batch);
            if (frames == null) {
                return;
            }
            for (LogMessage message : batch) {
                if (encoder.appendFrame(message, frames)) {
                    truncated.incrementAndGet();
                }
            }
            send(frames, batch.size());
        }
    }

    /**
     * As {@link #deliver}, encoding each frame straight from the stored JSON's bytes when it is in
     * the canonical form (every line the local backend writes without parsed fields): the same
     * bytes as decoding the message and encoding it, without the decoding, which cost more than
     * everything else the forwarder does (docs/BENCHMARKS.md). Other messages are decoded.
     */
    @Override
    public void deliverStored(List<StoredMessage> batch) throws IOException {
        Objects.requireNonNull(batch, "batch");
        synchronized (deliverLock) {
            Rfc5424Encoder.Bytes frames = framesBuffer(batch);
            if (frames == null) {
                return;
            }
            for (StoredMessage message : batch) {
                Boolean cut = message.readCanonicalJson(storedFrame);
                if (cut == null) {
                    cut = encoder.appendFrame(message.message(), frames);
                }
                if (cut) {
                    truncated.incrementAndGet();
                }
            }
            send(frames, batch.size());
        }
    }

    /** True: {@link #deliverStored} encodes from the stored bytes, so the forwarder need not decode. */
    @Override
    public boolean sendsStoredJson() {
        return true;
    }

    /** Writes and flushes a batch's frames; under {@link #deliverLock}. */
    private void send(Rfc5424Encoder.Bytes frames, int messages) throws IOException {
        SyslogConnection c = connected();
        WriteWatchdog.Guard guard = watchdog.arm(c);
        try {
            OutputStream out = c.output();
            if (resendPending) {
                recent.writeTo(out);
            }
            out.write(frames.bytes, 0, frames.size);
            out.flush();
        } catch (IOException e) {
            drop(c);
            if (guard.fired()) {
                throw new SocketTimeoutException(target + ": no write progressed for " + writeTimeout
                        + " (the receiver stopped reading)");
            }
            throw new IOException(target + ": sending failed: " + e.getMessage(), e);
        } finally {
            guard.disarm();
        }
        if (c.broken()) {
            // closed or reset while we wrote: some of the batch may not have been read
            drop(c);
            throw new IOException(target + ": the receiver closed the connection while the batch was sent");
        }
        if (resendPending) {
            resent.addAndGet(recent.count());
            resendPending = false;
        }
        recent.add(frames.bytes, frames.size, messages);
    }

    /**
     * The reused buffer for {@code batch}'s frames, emptied (a very large one is let go rather than
     * kept); null if the batch is empty. Called holding {@code deliverLock}.
     *
     * @throws IOException if the sink is closed
     */
    private Rfc5424Encoder.Bytes framesBuffer(List<?> batch) throws IOException {
        if (closed) {
            throw new IOException(target + ": the sink is closed");
        }
        if (batch.isEmpty()) {
            return null;
        }
        if (batchFrames == null || batchFrames.bytes.length > MAX_KEPT_BUFFER) {
            batchFrames = new Rfc5424Encoder.Bytes(64 * 1024);
        }
        batchFrames.clear();
        return batchFrames;
    }

    /**
     * Closes the connection (over TLS: after a close_notify, bounded by the write timeout) and stops
     * the threads. Safe to call twice and from any thread.
     */
    @Override
    public void close() {
        closed = true;
        SyslogConnection c = connection;
        connection = null;
        if (c != null) {
            WriteWatchdog.Guard guard = watchdog.arm(c);
            try {
                c.close();
            } finally {
                guard.disarm();
            }
        }
        watchdog.close();
    }

    private SyslogConnection connected() throws IOException {
        SyslogConnection c = connection;
        if (c != null && !c.broken()) {
            return c;
        }
        if (c != null) {
            drop(c);
        }
        try {
            c = SyslogConnection.open(host, port, tls, connectTimeout, threads, ticker);
        } catch (IOException e) {
            throw new IOException(target + ": cannot connect: " + e.getMessage(), e);
        }
        connects.incrementAndGet();
        LOG.log(System.Logger.Level.DEBUG, "connected to {0}", target);
        connection = c;
        if (closed) {
            drop(c);
            throw new IOException(target + ": the sink is closed");
        }
        return c;
    }

    /**
     * Ends a connection that failed or that the receiver closed: what it may have had in flight is
     * sent again, unless the receiver closed it in order long after the last write (an idle timeout).
     */
    private void drop(SyslogConnection c) {
        if (c.closedQuietly(QUIET_BEFORE_CLOSE)) {
            recent.clear();
        }
        resendPending = !recent.isEmpty();
        c.abort();
        c.close();
        if (connection == c) {
            connection = null;
        }
    }

    private static String hostForUri(String host) {
        return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private static Thread newDaemon(Runnable task) {
        Thread t = new Thread(task, "container-logging-syslog-" + THREAD_NUMBERS.incrementAndGet());
        t.setDaemon(true);
        return t;
    }

    /**
     * Configures a {@link SyslogSink}. Every setting has a default (the constants of
     * {@link SyslogSink}); TLS is off until one of the {@code tls} methods is called. Not
     * thread-safe.
     */
    public static final class Builder {
        private final String host;
        private final int port;
        private SSLContext tls;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration writeTimeout = DEFAULT_WRITE_TIMEOUT;
        private String appName = DEFAULT_APP_NAME;
        private int facility = DEFAULT_FACILITY;
        private int maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;
        private boolean byteOrderMark;
        private long resendBytes = DEFAULT_RESEND_BYTES;
        private ThreadFactory threadFactory;
        private LongSupplier ticker = System::nanoTime;

        private Builder(String host, int port) {
            Objects.requireNonNull(host, "host");
            if (host.isBlank()) {
                throw new IllegalArgumentException("host is empty");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port " + port + " is not in 1-65535");
            }
            this.host = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
            this.port = port;
        }

        /**
         * TLS (RFC 5425) trusting the JVM's default trust store, and checking that the receiver's
         * certificate names the host.
         *
         * @throws IllegalStateException if TLS was already configured
         */
        public Builder tls() {
            try {
                return tls(SSLContext.getDefault());
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException("the JVM has no default TLS context", e);
            }
        }

        /**
         * TLS (RFC 5425) with a context of yours (trust, client certificates, protocols); the
         * receiver's certificate must still name the host.
         *
         * @throws NullPointerException if {@code context} is null
         * @throws IllegalStateException if TLS was already configured
         */
        public Builder tls(SSLContext context) {
            Objects.requireNonNull(context, "context");
            if (tls != null) {
                throw new IllegalStateException("TLS is already configured");
            }
            this.tls = context;
            return this;
        }

        /**
         * TLS (RFC 5425) trusting exactly the CA certificates in a PEM file (for a private CA),
         * instead of the JVM's trust store.
         *
         * @throws NullPointerException if {@code caPemFile} is null
         * @throws IllegalArgumentException quoting the file if it cannot be read or holds no certificate
         * @throws IllegalStateException if TLS was already configured
         */
        public Builder tlsTrusting(Path caPemFile) {
            Objects.requireNonNull(caPemFile, "caPemFile");
            return tls(PemTrust.sslContext(caPemFile));
        }

        /**
         * The bound on connecting, and again on the TLS handshake. Default
         * {@link #DEFAULT_CONNECT_TIMEOUT}.
         *
         * @throws IllegalArgumentException if not positive
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /**
         * How long writing may make no progress before {@link #deliver} gives up with a
         * {@link SocketTimeoutException}. A batch may take longer as long as the receiver keeps
         * reading. Default {@link #DEFAULT_WRITE_TIMEOUT}.
         *
         * @throws IllegalArgumentException if not positive
         */
        public Builder writeTimeout(Duration timeout) {
            this.writeTimeout = positive(timeout, "writeTimeout");
            return this;
        }

        /**
         * The APP-NAME of every message: 1–48 printable ASCII characters. Default
         * {@value #DEFAULT_APP_NAME}.
         *
         * @throws IllegalArgumentException quoting the value if it is empty, longer or not printable ASCII
         */
        public Builder appName(String appName) {
            Objects.requireNonNull(appName, "appName");
            if (appName.isEmpty() || appName.length() > 48 || !appName.chars().allMatch(c -> c > ' ' && c < 127)) {
                throw new IllegalArgumentException("appName '" + appName
                        + "' is not 1-48 printable ASCII characters without spaces (RFC 5424 APP-NAME)");
            }
            this.appName = appName;
            return this;
        }

        /**
         * The syslog facility, 0–23 (RFC 5424 §6.2.1: 1 user, 16–23 local0–local7, ...). Default
         * {@link #DEFAULT_FACILITY}.
         *
         * @throws IllegalArgumentException if not in 0–23
         */
        public Builder facility(int facility) {
            if (facility < 0 || facility > 23) {
                throw new IllegalArgumentException("facility " + facility + " is not in 0-23");
            }
            this.facility = facility;
            return this;
        }

        /**
         * The largest syslog message sent, in bytes, without the octet count in front. A longer line
         * is cut at a character boundary, ends in {@code ...[truncated]}, and its structured data
         * carries {@code truncated="<original bytes>"}. The receiver must accept this size too
         * (rsyslog: {@code global(maxMessageSize=...)}). Default {@value #DEFAULT_MAX_MESSAGE_SIZE}.
         *
         * @throws IllegalArgumentException if below 4096 (room for the header and the structured
         *     data at their largest) or above 64 MiB
         */
        public Builder maxMessageSize(int bytes) {
            if (bytes < Rfc5424Encoder.MIN_MESSAGE_SIZE || bytes > 64 << 20) {
                throw new IllegalArgumentException("maxMessageSize " + bytes + " is not in "
                        + Rfc5424Encoder.MIN_MESSAGE_SIZE + "-" + (64 << 20));
            }
            this.maxMessageSize = bytes;
            return this;
        }

        /**
         * Whether MSG starts with a UTF-8 byte order mark, as RFC 5424 §6.4 asks of UTF-8 text.
         * Default false: rsyslog and most receivers keep the mark as part of the text, where it
         * shows up in stored lines and spoils exact searches, and the common senders omit it.
         */
        public Builder byteOrderMark(boolean byteOrderMark) {
            this.byteOrderMark = byteOrderMark;
            return this;
        }

        /**
         * How many bytes of the newest delivered messages to keep and send again, before anything
         * else, on the next connection after one ended without this sink closing it (the receiver
         * stopped, crashed or reset it). Syslog over TCP has no acknowledgements: what was still in
         * the socket buffers when the receiver went away is lost although {@link SyslogSink#deliver}
         * returned for it. Sending it again makes those duplicates instead (receivers can drop them
         * by HOSTNAME and MSGID). Nothing is sent again after an orderly close at least 30 seconds
         * after the last write (an idle timeout): everything had arrived. 0 turns this off.
         * Default {@link #DEFAULT_RESEND_BYTES}.
         *
         * @throws IllegalArgumentException if negative
         */
        public Builder resendBytes(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("resendBytes " + bytes + " is negative");
            }
            this.resendBytes = bytes;
            return this;
        }

        /**
         * Where the reader and watchdog threads come from. Default: daemon threads named
         * {@code container-logging-syslog-N}.
         */
        public Builder threadFactory(ThreadFactory threadFactory) {
            this.threadFactory = Objects.requireNonNull(threadFactory, "threadFactory");
            return this;
        }

        /** The time source for write progress and idle closes, in nanoseconds (for tests). */
        Builder ticker(LongSupplier ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /** A sink; it connects on its first {@link SyslogSink#deliver}. */
        public SyslogSink build() {
            return new SyslogSink(this);
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " " + d + " is not positive");
            }
            return d;
        }
    }
}

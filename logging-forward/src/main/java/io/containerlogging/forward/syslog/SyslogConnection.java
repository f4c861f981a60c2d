package io.containerlogging.forward.syslog;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.ThreadFactory;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One TCP (or TLS over TCP) connection to a syslog receiver, with a reader thread that notices
 * when the receiver closes it.
 *
 * <p>Why a reader: syslog receivers send nothing, so a connection the receiver has closed looks
 * healthy to a writer until a write after the close draws a reset, and the batch written in between
 * is silently lost. The reader's blocking read returns end-of-stream as soon as the receiver's FIN
 * arrives, so the sink reconnects before writing (and fails a batch whose write raced with the
 * close). Over TLS it also consumes what TLS 1.3 servers send after the handshake (session tickets).
 *
 * <p>Writes go through a counter of progress that {@link WriteWatchdog} watches; {@link #abort()}
 * closes the plain socket underneath, which unblocks a write stuck on a receiver that stopped
 * reading (closing an {@link SSLSocket} could first try to send close_notify on that same stuck
 * stream).
 */
final class SyslogConnection {

    private static final int BUFFER = 64 * 1024;

    private final Socket raw;
    private final Socket stream;
    private final OutputStream output;
    private final LongSupplier ticker;
    private volatile long lastProgress;
    private volatile boolean peerClosed;
    private volatile boolean endedCleanly;
    private volatile long endedAt;
    private volatile boolean aborted;

    private SyslogConnection(Socket raw, Socket stream, LongSupplier ticker) throws IOException {
        this.raw = raw;
        this.stream = stream;
        this.ticker = ticker;
        this.lastProgress = ticker.getAsLong();
        this.output = new BufferedOutputStream(new ProgressStream(stream.getOutputStream()), BUFFER);
    }

    /**
     * Connects, shakes hands when {@code tls} is set (verifying the certificate's name against
     * {@code host}), and starts the reader.
     *
     * @throws IOException if the receiver cannot be reached or the handshake fails, within
     *     {@code timeout} for each
     */
    static SyslogConnection open(String host, int port, SSLSocketFactory tls, Duration timeout,
            ThreadFactory threads, LongSupplier ticker) throws IOException {
        int millis = (int) Math.min(timeout.toMillis(), Integer.MAX_VALUE);
        Socket raw = new Socket();
        try {
            raw.setKeepAlive(true);
            raw.setTcpNoDelay(true);
            raw.connect(new InetSocketAddress(host, port), millis);
            Socket stream = raw;
            if (tls != null) {
                SSLSocket ssl = (SSLSocket) tls.createSocket(raw, host, port, true);
                SSLParameters parameters = ssl.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                ssl.setSSLParameters(parameters);
                ssl.setSoTimeout(millis);
                ssl.startHandshake();
                ssl.setSoTimeout(0);
                stream = ssl;
            }
            SyslogConnection connection = new SyslogConnection(raw, stream, ticker);
            Thread reader = threads.newThread(connection::drainInput);
            reader.start();
            return connection;
        } catch (IOException | RuntimeException e) {
            closeQuietly(raw);
            throw e;
        }
    }

    /** Buffered; flush to send. Not thread-safe. */
    OutputStream output() {
        return output;
    }

    /** The ticker's time (nanoseconds) when a write last completed, or the connection was opened. */
    long lastProgress() {
        return lastProgress;
    }

    /** The time source of {@link #lastProgress()}. */
    long now() {
        return ticker.getAsLong();
    }

    /** Marks progress now, so that a watchdog armed later counts from here. */
    void touch() {
        lastProgress = ticker.getAsLong();
    }

    /**
     * True if the receiver closed the connection in order (end of stream, not a reset) at least
     * {@code quiet} after the last write. Linux answers a close with unread data by a reset, so an
     * orderly close means the receiver read what had reached it; after a quiet period what was
     * written has reached it. Then nothing was lost in the socket buffers.
     */
    boolean closedQuietly(Duration quiet) {
        return endedCleanly && !aborted && endedAt - lastProgress >= quiet.toNanos();
    }

    /** True once the receiver closed the connection, it failed, or it was aborted: do not write again. */
    boolean broken() {
        return peerClosed || aborted;
    }

    /** Closes the plain socket at once, whatever a writer is doing; safe from any thread. */
    void abort() {
        aborted = true;
        closeQuietly(raw);
    }

    /**
     * Closes in order: flushes nothing (the sink flushed every batch), sends TLS close_notify as
     * RFC 5425 asks, then closes the socket. The caller bounds this with a watchdog, since even
     * close_notify is a write.
     */
    void close() {
        closeQuietly(stream);
        closeQuietly(raw);
    }

    private void drainInput() {
        byte[] buffer = new byte[512];
        try {
            InputStream in = stream.getInputStream();
            while (in.read(buffer) >= 0) {
                // a syslog receiver sends nothing we need; TLS records are consumed by the read
            }
            endedCleanly = true;
        } catch (IOException | RuntimeException e) {
            // reset, closed by abort() or close(): either way the connection is done
        } finally {
            endedAt = ticker.getAsLong();
            peerClosed = true;
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException | RuntimeException e) {
            // closing a failed connection: nothing left to do with it
        }
    }

    /** Records the time each write to the socket completes. */
    private final class ProgressStream extends FilterOutputStream {
        ProgressStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            // in pieces, so a long line to a slow but reading receiver shows progress along the way
            for (int end = off + len; off < end; off += BUFFER) {
                out.write(b, off, Math.min(BUFFER, end - off));
                lastProgress = ticker.getAsLong();
            }
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            lastProgress = ticker.getAsLong();
        }
    }
}

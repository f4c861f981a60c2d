package io.containerlogging.docker;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * Log streams over a socket of our own: one HTTP/1.1 request per stream on a fresh connection
 * ({@code Connection: close}) to a unix-socket or plain-TCP engine, the response body decoded
 * from chunked transfer encoding here. TLS engines use docker-java's transport instead.
 *
 * <p>Why not docker-java's transport: dockerd writes and flushes every log entry on its own (a
 * ~50-byte HTTP chunk per line), so a reader that is always waiting is woken for every entry, and
 * each wake-up costs dockerd, which shares the CPU with us, as much as it costs the reader.
 * Reading through here, when a read did not fill the buffer, the reader naps {@link
 * #COALESCE_NAP} before the next one, so entries pile up in the socket and arrive a few kilobytes
 * per read instead of one entry per read, and dockerd gets more done. A longer nap is worse: a
 * unix socket holds only a few hundred such small entries and dockerd stalls when it is full. A
 * nap adds at most that much latency to a live line. The measurements: docs/BENCHMARKS.md
 * (section 1) and docs/docker-notes.md.
 *
 * <p>Thread-safety: a {@link Response} is read by one thread; {@link Response#close()} may come from
 * any thread and makes a blocked read fail.
 */
final class SocketLogStreams implements LogStreams {

    /**
     * Read buffer of a stream, one per followed container. With the naps a read brings a few
     * KiB, and a larger buffer ingested no faster (docs/docker-notes.md), so the smaller size
     * keeps a host with hundreds of containers lean.
     */
    static final int BUFFER_SIZE = 16 * 1024;

    /** How long a reader waits for more entries after a read that did not fill its buffer. */
    static final long COALESCE_NAP = 50_000;

    /** Bounds of the response head: the length of a line, and the number of lines. */
    private static final int MAX_HEAD = 16 * 1024;
    private static final int MAX_HEAD_LINES = 100;

    private final UnixDomainSocketAddress unixAddress;
    private final InetSocketAddress tcpAddress;
    private final String hostHeader;
    private final String pathPrefix;
    private final int connectTimeoutMillis;

    private SocketLogStreams(UnixDomainSocketAddress unixAddress, InetSocketAddress tcpAddress, String hostHeader,
            String pathPrefix, Duration connectTimeout) {
        this.unixAddress = unixAddress;
        this.tcpAddress = tcpAddress;
        this.hostHeader = hostHeader;
        this.pathPrefix = pathPrefix;
        this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());
    }

    /**
     * Log streams for the engine at {@code dockerHost}, or null where this class does not apply
     * (TLS, Windows named pipes, anything but {@code unix://} and {@code tcp://}).
     */
    static SocketLogStreams forHost(URI dockerHost, boolean tls, Duration connectTimeout) {
        String scheme = dockerHost.getScheme() == null ? "" : dockerHost.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("unix") && dockerHost.getPath() != null && !dockerHost.getPath().isEmpty()) {
            return new SocketLogStreams(UnixDomainSocketAddress.of(dockerHost.getPath()), null, "docker", "",
                    connectTimeout);
        }
        if (scheme.equals("tcp") && !tls && dockerHost.getHost() != null && dockerHost.getPort() > 0) {
            String prefix = dockerHost.getPath() == null ? "" : dockerHost.getPath().replaceAll("/+$", "");
            return new SocketLogStreams(null, InetSocketAddress.createUnresolved(dockerHost.getHost(),
                    dockerHost.getPort()), dockerHost.getHost() + ":" + dockerHost.getPort(), prefix, connectTimeout);
        }
        return null;
    }

    @Override
    public Response open(String method, String path) throws IOException {
        return open(method, path, channel -> { });
    }

    /**
     * As {@link #open(String, String)}, handing {@code connected} the connection before the
     * response head is awaited, so that another thread can abort a request the engine does not
     * answer by closing it.
     */
    Response open(String method, String path, java.util.function.Consumer<java.io.Closeable> connected)
            throws IOException {
        SocketChannel channel = connect();
        connected.accept(channel);
        try {
            String request = method + " " + pathPrefix + path + " HTTP/1.1\r\n"
                    + "Host: " + hostHeader + "\r\n"
                    + "User-Agent: container-logging\r\n"
                    + (method.equals("GET") ? "" : "Content-Length: 0\r\n")
                    + "Connection: close\r\n\r\n";
            ByteBuffer out = ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
            while (out.hasRemaining()) {
                channel.write(out);
            }
            SocketResponse response = new SocketResponse(channel);
            response.readHead();
            return response;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private SocketChannel connect() throws IOException {
        if (unixAddress != null) {
            return SocketChannel.open(unixAddress);
        }
        SocketChannel channel = SocketChannel.open();
        try {
            InetSocketAddress resolved = new InetSocketAddress(tcpAddress.getHostString(), tcpAddress.getPort());
            channel.socket().connect(resolved, connectTimeoutMillis);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** One response: the head parsed at open, then the body as a stream. */
    static final class SocketResponse implements Response {
        private final SocketChannel channel;
        private final byte[] buffer = new byte[BUFFER_SIZE];
        private final ByteBuffer readInto = ByteBuffer.wrap(buffer);
        private int position;
        private int limit;
        private boolean lastReadFilled = true; // no nap before the first read
        private int status;
        private final Body body = new Body();

        SocketResponse(SocketChannel channel) {
            this.channel = channel;
        }

        @Override
        public int status() {
            return status;
        }

        @Override
        public InputStream body() {
            return body;
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing left to release
            }
        }

        /** Reads the status line and headers; leaves any body bytes already read in the buffer. */
        void readHead() throws IOException {
            String line;
            boolean first = true;
            long contentLength = -1;
            boolean chunked = false;
            int lines = 0;
            while (!(line = readLine(MAX_HEAD, "inside the response head")).isEmpty()) {
                if (++lines > MAX_HEAD_LINES) {
                    throw new ProtocolException("more than " + MAX_HEAD_LINES + " header lines from the engine");
                }
                if (first) {
                    status = parseStatus(line);
                    first = false;
                    continue;
                }
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    throw new ProtocolException("malformed header line from the engine: " + line);
                }
                String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = line.substring(colon + 1).trim();
                if (name.equals("transfer-encoding")) {
                    chunked = value.toLowerCase(Locale.ROOT).endsWith("chunked");
                } else if (name.equals("content-length")) {
                    try {
                        contentLength = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        throw new ProtocolException("bad Content-Length from the engine: " + value);
                    }
                }
            }
            if (first) {
                throw new ProtocolException("empty response head from the engine");
            }
            if (chunked) {
                body.mode = Body.CHUNKED;
            } else if (contentLength >= 0) {
                body.mode = Body.LENGTH;
                body.remaining = contentLength;
            } else {
                body.mode = Body.UNTIL_CLOSE;
            }
        }

        private static int parseStatus(String line) throws ProtocolException {
            // HTTP/1.1 200 OK
            if (!line.startsWith("HTTP/1.") || line.length() < 12 || line.charAt(8) != ' ') {
                throw new ProtocolException("not an HTTP/1.x response from the engine: " + line);
            }
            try {
                return Integer.parseInt(line.substring(9, 12));
            } catch (NumberFormatException e) {
                throw new ProtocolException("bad status line from the engine: " + line);
            }
        }

        /** One CRLF- (or LF-) terminated line, without its terminator, of at most {@code max} bytes. */
        private String readLine(int max, String where) throws IOException {
            StringBuilder line = new StringBuilder();
            while (true) {
                if (position == limit && !fill()) {
                    throw new EOFException("the engine closed the connection " + where);
                }
                byte b = buffer[position++];
                if (b == '\n') {
                    int length = line.length();
                    if (length > 0 && line.charAt(length - 1) == '\r') {
                        line.setLength(length - 1);
                    }
                    return line.toString();
                }
                if (line.length() >= max) {
                    throw new ProtocolException("a line from the engine " + where + " exceeds " + max + " bytes");
                }
                line.append((char) (b & 0xFF));
            }
        }

        /**
         * Reads more bytes into the empty buffer; false at the end of the connection. After a read
         * that did not fill the buffer, naps first (see the class comment).
         */
        private boolean fill() throws IOException {
            if (!lastReadFilled) {
                LockSupport.parkNanos(COALESCE_NAP);
            }
            readInto.clear();
            int n;
            do {
                n = channel.read(readInto);
            } while (n == 0);
            if (n < 0) {
                position = limit = 0;
                return false;
            }
            position = 0;
            limit = n;
            lastReadFilled = n == buffer.length;
            return true;
        }

        /** The body, decoded from its transfer encoding. */
        final class Body extends InputStream {
            static final int CHUNKED = 0;
            static final int LENGTH = 1;
            static final int UNTIL_CLOSE = 2;

            int mode;
            // LENGTH: body bytes left; CHUNKED: bytes left in the current chunk
            long remaining;
            private boolean started; // CHUNKED: a chunk was read, so a CRLF precedes the next size
            private boolean ended;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] target, int offset, int length) throws IOException {
                java.util.Objects.checkFromIndexSize(offset, length, target.length);
                if (length == 0) {
                    return 0;
                }
                if (ended) {
                    return -1;
                }
                if (mode == CHUNKED && remaining == 0 && !nextChunk()) {
                    ended = true;
                    return -1;
                }
                if (mode == LENGTH && remaining == 0) {
                    ended = true;
                    return -1;
                }
                if (position == limit && !fill()) {
                    if (mode == UNTIL_CLOSE) {
                        ended = true;
                        return -1;
                    }
                    throw new EOFException("the engine closed the connection inside the body ("
                            + remaining + " bytes missing)");
                }
                int n = Math.min(length, limit - position);
                if (mode != UNTIL_CLOSE) {
                    n = (int) Math.min(n, remaining);
                    remaining -= n;
                }
                System.arraycopy(buffer, position, target, offset, n);
                position += n;
                return n;
            }

            @Override
            public int available() {
                int buffered = limit - position;
                return mode == UNTIL_CLOSE ? buffered : (int) Math.min(buffered, remaining);
            }

            @Override
            public void close() {
                SocketResponse.this.close();
            }

            /** Reads the next chunk's size line; false after the last chunk (and its trailers). */
            private boolean nextChunk() throws IOException {
                if (started) {
                    expectLineEnd();
                }
                started = true;
                long size = readChunkSize();
                if (size == 0) {
                    while (!readLine(MAX_HEAD, "in the trailer").isEmpty()) {
                        // trailer fields: none expected, none used
                    }
                    return false;
                }
                remaining = size;
                return true;
            }

            /**
             * Reads the CRLF (or bare LF) after a chunk's data, straight from the buffer: it comes
             * once per log entry, so no String is made for it.
             */
            private void expectLineEnd() throws IOException {
                for (int length = 0; ; length++) {
                    if (position == limit && !fill()) {
                        throw new EOFException("the engine closed the connection after a chunk");
                    }
                    byte b = buffer[position++];
                    if (b == '\n') {
                        return;
                    }
                    if (b != '\r' || length > 0) {
                        throw new ProtocolException("chunk data from the engine not followed by CRLF");
                    }
                }
            }

            /**
             * Parses a chunk-size line ({@code 1f}, or {@code 1f;ext=1}) straight from the buffer:
             * it comes once per log entry, so no String is made for it.
             */
            private long readChunkSize() throws IOException {
                long size = 0;
                int digits = 0;
                boolean inExtension = false;
                int length = 0;
                while (true) {
                    if (position == limit && !fill()) {
                        throw new EOFException("the engine closed the connection inside a chunk size");
                    }
                    byte b = buffer[position++];
                    if (b == '\n') {
                        break;
                    }
                    if (++length > 1024) {
                        throw new ProtocolException("chunk-size line from the engine exceeds 1024 bytes");
                    }
                    if (inExtension || b == '\r' || b == ' ' || b == '\t') {
                        continue;
                    }
                    if (b == ';') {
                        inExtension = true;
                        continue;
                    }
                    int digit = Character.digit(b, 16);
                    if (digit < 0 || digits == 15) {
                        throw new ProtocolException("bad chunk size from the engine (byte 0x"
                                + Integer.toHexString(b & 0xFF) + ")");
                    }
                    size = size << 4 | digit;
                    digits++;
                }
                if (digits == 0) {
                    throw new ProtocolException("empty chunk size from the engine");
                }
                return size;
            }
        }
    }
}

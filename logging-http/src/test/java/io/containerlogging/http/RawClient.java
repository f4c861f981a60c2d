package io.containerlogging.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A client on a bare socket, for what a well-behaved client never does: headers never finished,
 * bodies announced and not sent, responses not read.
 */
final class RawClient implements AutoCloseable {

    /** How long a read waits for the server before the test gives up on it. */
    static final int READ_TIMEOUT_MILLIS = 15_000;

    private final Socket socket;

    /** Connects to {@code port} on loopback; {@code receiveBuffer} small makes a client that does not read stall sooner. */
    RawClient(int port, int receiveBuffer) throws IOException {
        socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
    }

    RawClient(int port) throws IOException {
        this(port, 0);
    }

    RawClient send(String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        return this;
    }

    /** A request with {@code Host} and the given extra header lines (each ending in CRLF). */
    RawClient request(String method, String target, String headers) throws IOException {
        return send(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + "\r\n");
    }

    /** Everything the server sends until it closes the connection (or resets it). */
    String readUntilClosed() throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[8192];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                got.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server kept the connection open for " + READ_TIMEOUT_MILLIS
                    + " ms; got so far: " + got.toString(StandardCharsets.ISO_8859_1), e);
        } catch (IOException e) {
            // reset by the server: closed too
        }
        return got.toString(StandardCharsets.UTF_8);
    }

    /** Everything the server sends until {@code marker} has arrived. */
    String readUntil(String marker) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[8192];
        try {
            int n;
            while (!got.toString(StandardCharsets.UTF_8).endsWith(marker) && (n = in.read(buffer)) >= 0) {
                got.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no '" + marker + "' within " + READ_TIMEOUT_MILLIS + " ms", e);
        }
        return got.toString(StandardCharsets.UTF_8);
    }

    /** One response with a Content-Length body (or none), leaving the connection open. */
    Response readResponse() throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after: " + head.toString(StandardCharsets.ISO_8859_1));
            }
            head.write(b);
        }
        String headers = head.toString(StandardCharsets.ISO_8859_1);
        int length = 0;
        for (String line : headers.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        byte[] body = in.readNBytes(length);
        return new Response(Integer.parseInt(headers.substring(9, 12)), headers,
                new String(body, StandardCharsets.UTF_8));
    }

    /** Whether the server has closed the connection: a read returns end-of-stream or a reset. */
    boolean closedByServer() throws IOException {
        try {
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[65536];
            while (true) {
                if (in.read(buffer) < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    record Response(int status, String headers, String body) {
        boolean hasHeader(String name, String value) {
            return headers.toLowerCase(Locale.ROOT).contains("\r\n" + name.toLowerCase(Locale.ROOT) + ": "
                    + value.toLowerCase(Locale.ROOT) + "\r\n");
        }
    }
}

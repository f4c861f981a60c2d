package io.containerlogging.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Server-Sent Events client on a raw socket, so tests control exactly when it reads (a slow
 * client) and when it disconnects. Decodes chunked transfer encoding and the event format.
 */
final class SseClient implements AutoCloseable {

    /** One event: the id, event name and data lines as received (null when absent). */
    record Event(String id, String event, String data) {
    }

    private final Socket socket;
    private final InputStream in;
    final List<Event> events = new CopyOnWriteArrayList<>();
    final AtomicInteger comments = new AtomicInteger();
    final AtomicBoolean ended = new AtomicBoolean();
    volatile int status;
    final Map<String, String> headers = new LinkedHashMap<>();
    private Thread reader;

    /**
     * Connects and sends the request. With a small {@code receiveBuffer}, the client stops the
     * server quickly when it does not read.
     */
    SseClient(int port, String pathAndQuery, Map<String, String> requestHeaders, int receiveBuffer)
            throws IOException {
        socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port));
        StringBuilder request = new StringBuilder("GET " + pathAndQuery + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + port + "\r\nAccept: text/event-stream\r\n");
        requestHeaders.forEach((k, v) -> request.append(k).append(": ").append(v).append("\r\n"));
        request.append("\r\n");
        OutputStream out = socket.getOutputStream();
        out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
        in = socket.getInputStream();
    }

    static SseClient open(int port, String pathAndQuery, Map<String, String> headers) throws IOException {
        return new SseClient(port, pathAndQuery, headers, 0).startReading();
    }

    /** Waits until the stream has ended (the server closed it, or {@link #close} was called). */
    void awaitEnd() throws InterruptedException {
        reader.join();
    }

    /** Starts the reader thread (a "slow" client calls this late). */
    SseClient startReading() {
        reader = new Thread(this::readLoop, "test-sse-reader");
        reader.setDaemon(true);
        reader.start();
        return this;
    }

    private void readLoop() {
        try {
            String statusLine = readLine(in);
            status = Integer.parseInt(statusLine.split(" ")[1]);
            for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
                int colon = line.indexOf(':');
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
            if (!"chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                return; // an error response; the body is not an event stream
            }
            StringBuilder pending = new StringBuilder();
            while (true) {
                int size = Integer.parseInt(readLine(in).trim(), 16);
                if (size == 0) {
                    return;
                }
                byte[] chunk = in.readNBytes(size);
                if (chunk.length < size) {
                    return;
                }
                readLine(in); // CRLF after the chunk
                pending.append(new String(chunk, StandardCharsets.UTF_8));
                parseEvents(pending);
            }
        } catch (IOException | RuntimeException e) {
            // connection closed
        } finally {
            ended.set(true);
        }
    }

    private void parseEvents(StringBuilder pending) {
        int end;
        while ((end = pending.indexOf("\n\n")) >= 0) {
            String block = pending.substring(0, end);
            pending.delete(0, end + 2);
            String id = null;
            String event = null;
            List<String> data = new ArrayList<>();
            boolean any = false;
            for (String line : block.split("\n")) {
                if (line.startsWith(":")) {
                    comments.incrementAndGet();
                } else if (line.startsWith("id: ")) {
                    id = line.substring(4);
                    any = true;
                } else if (line.startsWith("event: ")) {
                    event = line.substring(7);
                    any = true;
                } else if (line.startsWith("data: ")) {
                    data.add(line.substring(6));
                    any = true;
                }
            }
            if (any) {
                events.add(new Event(id, event, data.isEmpty() ? null : String.join("\n", data)));
            }
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                String text = line.toString(StandardCharsets.UTF_8);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            line.write(b);
        }
        throw new IOException("end of stream");
    }

    /** The ids of the log events received so far (named events such as "dropped" excluded). */
    List<String> logIds() {
        List<String> ids = new ArrayList<>();
        for (Event e : events) {
            if (e.event() == null) {
                ids.add(e.id());
            }
        }
        return ids;
    }

    /** The events named {@code name}. */
    List<Event> named(String name) {
        List<Event> result = new ArrayList<>();
        for (Event e : events) {
            if (name.equals(e.event())) {
                result.add(e);
            }
        }
        return result;
    }

    /** Disconnects abruptly, as a client that goes away does. */
    @Override
    public void close() throws IOException {
        socket.close();
        if (reader != null) {
            try {
                reader.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

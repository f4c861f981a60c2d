package io.containerlogging.http;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An {@code EventSource} in miniature on {@link SseClient}: follows the stream and, whenever it
 * ends, reconnects with {@code Last-Event-ID} set to the last log event received.
 */
final class FollowingSseClient implements AutoCloseable {

    private final int port;
    private final String pathAndQuery;
    private final Object lock = new Object();
    private final List<SseClient.Event> ended = new ArrayList<>(); // guarded by lock: earlier connections' events
    private SseClient current; // guarded by lock
    private final AtomicInteger connections = new AtomicInteger();
    private final Thread thread;
    private volatile boolean stopped;
    private volatile String lastEventId;

    FollowingSseClient(int port, String pathAndQuery, String lastEventId) {
        this.port = port;
        this.pathAndQuery = pathAndQuery;
        this.lastEventId = lastEventId;
        this.thread = new Thread(this::follow, "test-following-sse");
        thread.setDaemon(true);
        thread.start();
    }

    private void follow() {
        while (!stopped) {
            Map<String, String> headers = lastEventId == null ? Map.of() : Map.of("Last-Event-ID", lastEventId);
            try (SseClient client = SseClient.open(port, pathAndQuery, headers)) {
                synchronized (lock) {
                    current = client;
                }
                if (stopped) {
                    client.close(); // close() ran before it could see this connection
                }
                connections.incrementAndGet();
                client.awaitEnd();
                synchronized (lock) {
                    ended.addAll(client.events);
                    current = null;
                }
                for (SseClient.Event event : client.events) {
                    if (event.event() == null) {
                        lastEventId = event.id();
                    }
                }
            } catch (IOException e) {
                // The server is not there (yet). EventSource waits its retry time before trying
                // again; so does this, briefly: the pause is the point, not a guess at a condition.
                try {
                    Thread.sleep(10);
                } catch (InterruptedException interrupted) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Every event received over all connections, in order. */
    List<SseClient.Event> events() {
        synchronized (lock) {
            List<SseClient.Event> all = new ArrayList<>(ended);
            if (current != null) {
                all.addAll(current.events);
            }
            return all;
        }
    }

    /** The ids of the log events received over all connections, in order. */
    List<String> logIds() {
        List<String> ids = new ArrayList<>();
        for (SseClient.Event e : events()) {
            if (e.event() == null) {
                ids.add(e.id());
            }
        }
        return ids;
    }

    /** The events named {@code name}, over all connections. */
    List<SseClient.Event> named(String name) {
        List<SseClient.Event> result = new ArrayList<>();
        for (SseClient.Event e : events()) {
            if (name.equals(e.event())) {
                result.add(e);
            }
        }
        return result;
    }

    /** The log events' data (the messages' JSON), over all connections, in order. */
    List<String> logData() {
        List<String> data = new ArrayList<>();
        for (SseClient.Event e : events()) {
            if (e.event() == null) {
                data.add(e.data());
            }
        }
        return data;
    }

    int connections() {
        return connections.get();
    }

    @Override
    public void close() throws Exception {
        stopped = true;
        SseClient client;
        synchronized (lock) {
            client = current;
        }
        if (client != null) {
            client.close();
        }
        thread.join(5_000);
    }
}

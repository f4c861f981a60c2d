package io.containerlogging.docker;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import io.containerlogging.core.ContainerNotFoundException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.regex.Pattern;

/**
 * The {@link DockerEngine} of a monitor built on a {@link DockerSocket}: the Engine API's
 * {@code /containers/{id}/json}, {@code /containers/json} and {@code /events} over a connection of
 * their own, parsed with gson. It exists for memory: docker-java, Jackson and httpclient5 cost an
 * idle example server about 27 MB resident (docs/BENCHMARKS.md), for three calls.
 *
 * <p>Thread-safety: thread-safe; every call opens its own connection.
 */
final class SocketEngine implements DockerEngine {

    /** The largest response read whole (a list of many containers is a few MB at most). */
    static final int MAX_BODY_BYTES = 64 << 20;

    private static final Pattern CONTAINER_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,254}");
    private static final String EXITED = "%7B%22status%22%3A%5B%22exited%22%5D%7D"; // {"status":["exited"]}
    private static final String CONTAINERS = "%7B%22type%22%3A%5B%22container%22%5D%7D"; // {"type":["container"]}

    private final SocketLogStreams engine;
    private final ThreadFactory threads;

    SocketEngine(SocketLogStreams engine, ThreadFactory threads) {
        this.engine = engine;
        this.threads = threads;
    }

    @Override
    public ContainerInfo inspect(String containerId) {
        JsonObject info = object(get(containerPath(containerId) + "/json", containerId), "inspect");
        JsonObject config = member(info, "Config");
        JsonObject hostConfig = member(info, "HostConfig");
        JsonObject logConfig = member(hostConfig, "LogConfig");
        Map<String, String> labels = null;
        JsonObject labelObject = member(config, "Labels");
        if (labelObject != null) {
            labels = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> label : labelObject.entrySet()) {
                labels.put(label.getKey(), text(label.getValue()));
            }
        }
        return new ContainerInfo(string(info, "Id"), string(info, "Name"), labels, bool(config, "Tty"),
                bool(hostConfig, "AutoRemove"), bool(member(info, "State"), "Running"), string(logConfig, "Type"),
                string(info, "LogPath"));
    }

    @Override
    public List<String> runningIds() {
        return ids(get("/containers/json", null));
    }

    @Override
    public List<String> exitedIds() {
        return ids(get("/containers/json?all=1&filters=" + EXITED, null));
    }

    @Override
    public String idOf(String containerIdOrName) {
        try {
            return inspect(containerIdOrName).id();
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Override
    public void warmUpInspect() {
        // nothing to build: gson parses every response the same way
    }

    /**
     * {@inheritDoc}
     *
     * <p>Asynchronous, as docker-java's: the request is made on the subscription's own thread, so
     * an engine that accepts the connection and never answers cannot hold the caller (the events
     * watcher calls this holding its lock), and closing the handle closes that connection too. An
     * engine that cannot be reached is reported to {@link EventListener#ended} with the error.
     */
    @Override
    public Closeable containerEvents(EventListener listener) {
        EventsSubscription subscription = new EventsSubscription(listener);
        threads.newThread(subscription::run).start();
        return subscription;
    }

    /** One {@code /events} stream and the thread that opens and reads it. */
    private final class EventsSubscription implements Closeable {
        private final EventListener listener;
        private volatile Closeable connection; // set once connected, before the response head
        private volatile LogStreams.Response response;
        private volatile boolean closed;

        EventsSubscription(EventListener listener) {
            this.listener = listener;
        }

        void run() {
            Throwable error = null;
            try {
                LogStreams.Response opened = engine.open("GET", "/events?filters=" + CONTAINERS, channel -> {
                    connection = channel;
                    if (closed) {
                        closeQuietly(channel); // closed while connecting
                    }
                });
                response = opened;
                if (closed) {
                    return; // closed while connecting: close() did not see the response
                }
                if (opened.status() != 200) {
                    throw new IllegalStateException("the Docker engine refused its events: HTTP " + opened.status()
                            + errorMessage(opened));
                }
                read(opened);
            } catch (IOException e) {
                error = closed ? null : DockerEngine.unreachable(e);
            } catch (RuntimeException e) {
                error = e;
            } finally {
                LogStreams.Response opened = response;
                if (opened != null) {
                    opened.close();
                }
                listener.ended(closed ? null : error);
            }
        }

        private void read(LogStreams.Response opened) throws IOException {
            try (JsonReader reader = new JsonReader(new InputStreamReader(opened.body(), StandardCharsets.UTF_8))) {
                reader.setLenient(true); // one JSON object after another, no array around them
                listener.connected();
                while (!closed && reader.peek() != JsonToken.END_DOCUMENT) {
                    JsonElement element = JsonTree.read(reader);
                    if (element.isJsonObject()) {
                        String id = string(member(element.getAsJsonObject(), "Actor"), "ID");
                        String action = string(element.getAsJsonObject(), "Action");
                        if (id != null && action != null) {
                            listener.event(id, action);
                        }
                    }
                }
            }
        }

        /**
         * Ends the subscription: the socket is closed, which ends a blocked read at once, and the
         * thread ends after telling the listener. Not joined: the listener's {@code ended} may need
         * a lock the caller holds while closing (the events watcher's does).
         */
        @Override
        public void close() {
            closed = true;
            LogStreams.Response opened = response;
            if (opened != null) {
                opened.close();
            } else if (connection != null) {
                closeQuietly(connection); // the engine has not answered yet
            }
        }
    }

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }

    /** The body of a {@code GET}; a 404 is a missing container when {@code containerId} is set. */
    private byte[] get(String path, String containerId) {
        try (LogStreams.Response response = engine.open(path)) {
            int status = response.status();
            if (status == 404 && containerId != null) {
                throw new ContainerNotFoundException(containerId);
            }
            if (status != 200) {
                throw new IllegalStateException("the Docker engine answered GET " + path + " with HTTP " + status
                        + errorMessage(response));
            }
            return readBounded(response.body());
        } catch (IOException e) {
            throw DockerEngine.unreachable(e);
        }
    }

    private static byte[] readBounded(InputStream body) throws IOException {
        byte[] bytes = body.readNBytes(MAX_BODY_BYTES + 1);
        if (bytes.length > MAX_BODY_BYTES) {
            throw new IOException("the Docker engine's response exceeds " + MAX_BODY_BYTES + " bytes");
        }
        return bytes;
    }

    /** The engine's {@code {"message": ...}} of an error response, as {@code ": message"}, or empty. */
    private static String errorMessage(LogStreams.Response response) {
        try {
            JsonElement body = JsonTree.parse(new String(response.body().readNBytes(4096),
                    StandardCharsets.UTF_8));
            String message = body.isJsonObject() ? string(body.getAsJsonObject(), "message") : null;
            return message == null ? "" : ": " + message;
        } catch (IOException | RuntimeException e) {
            return "";
        } finally {
            response.close();
        }
    }

    /**
     * The path of a container named by id, id prefix or name ({@code /name} as Docker prints it).
     * Docker's ids and names are {@code [a-zA-Z0-9][a-zA-Z0-9_.-]*}; anything else names no
     * container, and is refused before it could reach another endpoint.
     *
     * @throws ContainerNotFoundException if {@code containerIdOrName} cannot name a container
     */
    static String containerPath(String containerIdOrName) {
        String name = containerIdOrName.startsWith("/") ? containerIdOrName.substring(1) : containerIdOrName;
        if (!CONTAINER_NAME.matcher(name).matches()) {
            throw new ContainerNotFoundException(containerIdOrName);
        }
        return "/containers/" + name;
    }

    private static List<String> ids(byte[] body) {
        JsonElement list = parse(body, "list");
        if (!list.isJsonArray()) {
            throw new IllegalStateException("the Docker engine's container list is not a JSON array");
        }
        JsonArray array = list.getAsJsonArray();
        List<String> ids = new ArrayList<>(array.size());
        for (JsonElement container : array) {
            String id = container.isJsonObject() ? string(container.getAsJsonObject(), "Id") : null;
            if (id != null) {
                ids.add(id);
            }
        }
        return ids;
    }

    private static JsonObject object(byte[] body, String what) {
        JsonElement element = parse(body, what);
        if (!element.isJsonObject()) {
            throw new IllegalStateException("the Docker engine's " + what + " answer is not a JSON object");
        }
        return element.getAsJsonObject();
    }

    private static JsonElement parse(byte[] body, String what) {
        try {
            return JsonTree.parse(new String(body, StandardCharsets.UTF_8));
        } catch (JsonParseException e) {
            throw new IllegalStateException("the Docker engine's " + what + " answer is not JSON: " + e.getMessage(), e);
        }
    }

    private static JsonObject member(JsonObject object, String name) {
        JsonElement value = object == null ? null : object.get(name);
        return value != null && value.isJsonObject() ? value.getAsJsonObject() : null;
    }

    private static String string(JsonObject object, String name) {
        return object == null ? null : text(object.get(name));
    }

    private static String text(JsonElement value) {
        return value != null && value.isJsonPrimitive() ? value.getAsString() : null;
    }

    private static boolean bool(JsonObject object, String name) {
        JsonElement value = object == null ? null : object.get(name);
        return value != null && value.isJsonPrimitive() && value.getAsJsonPrimitive().isBoolean() && value.getAsBoolean();
    }
}

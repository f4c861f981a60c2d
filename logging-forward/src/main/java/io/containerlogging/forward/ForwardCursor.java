package io.containerlogging.forward;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.containerlogging.core.LogId;
import io.containerlogging.core.internal.StateFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A forwarder's durable position: the id of the last message delivered (or passed over by its
 * filter), in {@code <dir>/<name>.json}, replaced atomically. A crash leaves the old position or
 * the new, so at most the batch being delivered is delivered again.
 */
final class ForwardCursor {

    private static final System.Logger LOG = System.getLogger(ForwardCursor.class.getName());

    private final StateFile file;
    private final Path dir;

    ForwardCursor(Path dir, String name) {
        this.dir = dir;
        this.file = new StateFile(dir.resolve(name + ".json"));
    }

    /**
     * The saved position, or null if there is none. A damaged file is reported and read as none
     * rather than stopping the start: the forwarder then begins where a new one would.
     */
    String load() throws IOException {
        String text = file.read();
        if (text == null) {
            return null;
        }
        try {
            JsonElement parsed = JsonParser.parseString(text);
            JsonElement id = parsed.isJsonObject() ? parsed.getAsJsonObject().get("afterId") : null;
            if (id != null && id.isJsonPrimitive() && LogId.trySequence(id.getAsString()) > 0) {
                return id.getAsString();
            }
        } catch (JsonParseException | IllegalStateException e) {
            // reported below
        }
        LOG.log(System.Logger.Level.WARNING, "ignoring damaged forwarder cursor " + file);
        return null;
    }

    /**
     * Saves the position; forced to the device only if {@code force}. Unforced, a crash of the
     * process still finds it (the kernel holds it); only a power loss can bring back an older one.
     */
    void save(String afterId, String target, boolean force) throws IOException {
        Files.createDirectories(dir);
        JsonObject json = new JsonObject();
        json.addProperty("afterId", afterId);
        json.addProperty("target", target);
        file.write(json.toString(), force);
    }

    @Override
    public String toString() {
        return file.toString();
    }
}

package io.containerlogging.core;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import io.containerlogging.core.internal.StateFile;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link CheckpointStore#file(Path)}: the snapshot as one JSON object in a {@link StateFile},
 * replaced atomically. Never follows a symbolic link at the file's place. A file that cannot be parsed is
 * logged and read as empty, so a torn or hand-edited file never stops a start.
 */
final class FileCheckpointStore implements CheckpointStore {

    private static final System.Logger LOG = System.getLogger(FileCheckpointStore.class.getName());
    private static final int VERSION = 1;

    private final Path path;
    private final StateFile file;

    FileCheckpointStore(Path file) {
        this.path = file.toAbsolutePath();
        this.file = new StateFile(path);
    }

    @Override
    public Snapshot load() throws IOException {
        String text;
        try {
            text = file.read();
        } catch (IOException e) {
            if (!Files.isSymbolicLink(path)) {
                throw e;
            }
            LOG.log(System.Logger.Level.WARNING, "ignoring checkpoint file " + path + ": it is a symbolic link");
            return Snapshot.EMPTY;
        }
        if (text == null) {
            return Snapshot.EMPTY;
        }
        try {
            return parse(new StringReader(text));
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "ignoring corrupt checkpoint file " + path + ": " + e.getMessage());
            return Snapshot.EMPTY;
        }
    }

    static Snapshot parse(Reader text) throws IOException {
        long through = 0;
        List<ReadCheckpoint> checkpoints = new ArrayList<>();
        try (JsonReader in = new JsonReader(text)) {
            in.beginObject();
            while (in.hasNext()) {
                switch (in.nextName()) {
                    case "throughSequence" -> through = in.nextLong();
                    case "streams" -> {
                        in.beginArray();
                        while (in.hasNext()) {
                            checkpoints.add(readCheckpoint(in));
                        }
                        in.endArray();
                    }
                    default -> in.skipValue();
                }
            }
            in.endObject();
            if (in.peek() != JsonToken.END_DOCUMENT) {
                throw new IOException("trailing content");
            }
        }
        return new Snapshot(through, checkpoints);
    }

    private static ReadCheckpoint readCheckpoint(JsonReader in) throws IOException {
        String container = null;
        Boolean stdErr = null;
        Instant time = null;
        long lines = 0;
        Instant updated = null;
        in.beginObject();
        while (in.hasNext()) {
            switch (in.nextName()) {
                case "containerId" -> container = in.nextString();
                case "stream" -> {
                    String stream = in.nextString();
                    if (!stream.equals("stdout") && !stream.equals("stderr")) {
                        throw new IOException("stream must be stdout or stderr, was '" + stream + "'");
                    }
                    stdErr = stream.equals("stderr");
                }
                case "time" -> time = LogJson.parseTime(in.nextString());
                case "lines" -> lines = in.nextLong();
                case "updated" -> updated = LogJson.parseTime(in.nextString());
                default -> in.skipValue();
            }
        }
        in.endObject();
        if (container == null || stdErr == null || time == null || updated == null) {
            throw new IOException("a stream checkpoint lacks containerId, stream, time or updated");
        }
        return new ReadCheckpoint(container, stdErr, time, lines, updated);
    }

    static String format(Snapshot snapshot) throws IOException {
        StringWriter text = new StringWriter();
        try (JsonWriter out = new JsonWriter(text)) {
            out.beginObject();
            out.name("version").value(VERSION);
            out.name("throughSequence").value(snapshot.throughSequence());
            out.name("streams").beginArray();
            for (ReadCheckpoint checkpoint : snapshot.checkpoints()) {
                out.beginObject();
                out.name("containerId").value(checkpoint.containerId());
                out.name("stream").value(checkpoint.stdErr() ? "stderr" : "stdout");
                out.name("time").value(LogJson.formatTime(checkpoint.timestamp()));
                out.name("lines").value(checkpoint.linesAtTimestamp());
                out.name("updated").value(LogJson.formatTime(checkpoint.updated()));
                out.endObject();
            }
            out.endArray();
            out.endObject();
        }
        return text.append('\n').toString();
    }

    @Override
    public void save(Snapshot snapshot) throws IOException {
        file.write(format(snapshot));
    }

    @Override
    public String toString() {
        return "CheckpointStore.file(" + path + ")";
    }
}

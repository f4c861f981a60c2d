package io.containerlogging.core;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@link CheckpointStore#file(Path)}: the snapshot as one JSON object in a file, replaced
 * atomically. Never follows a symbolic link at the file's place. A file that cannot be parsed is
 * logged and read as empty, so a torn or hand-edited file never stops a start.
 */
final class FileCheckpointStore implements CheckpointStore {

    private static final System.Logger LOG = System.getLogger(FileCheckpointStore.class.getName());
    private static final int VERSION = 1;

    private final Path file;
    private final Path temporary;

    FileCheckpointStore(Path file) {
        this.file = file.toAbsolutePath();
        this.temporary = this.file.resolveSibling(this.file.getFileName() + ".tmp");
    }

    @Override
    public Snapshot load() throws IOException {
        if (!Files.isDirectory(file.getParent())) {
            return Snapshot.EMPTY; // nothing saved yet; the owner creates the directory
        }
        if (Files.isSymbolicLink(file)) {
            LOG.log(System.Logger.Level.WARNING, "ignoring checkpoint file " + file + ": it is a symbolic link");
            return Snapshot.EMPTY;
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Snapshot.EMPTY;
        } catch (java.nio.charset.MalformedInputException e) {
            LOG.log(System.Logger.Level.WARNING, "ignoring corrupt checkpoint file " + file + ": not UTF-8");
            return Snapshot.EMPTY;
        }
        try {
            return parse(new StringReader(text));
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "ignoring corrupt checkpoint file " + file + ": " + e.getMessage());
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
        byte[] bytes = format(snapshot).getBytes(StandardCharsets.UTF_8);
        Files.deleteIfExists(temporary); // a leftover (or planted link) from a crash
        try (FileChannel channel = FileChannel.open(temporary, Set.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rw-------")))) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        } catch (UnsupportedOperationException e) { // not a POSIX file system
            try (Writer out = new OutputStreamWriter(Files.newOutputStream(temporary), StandardCharsets.UTF_8)) {
                out.write(new String(bytes, StandardCharsets.UTF_8));
            }
        }
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(file.getParent());
    }

    static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Some platforms cannot open a directory; the rename is still atomic there.
            if (!(e instanceof AccessDeniedException)) {
                LOG.log(System.Logger.Level.DEBUG, "cannot sync directory " + dir + ": " + e);
            }
        }
    }

    @Override
    public String toString() {
        return "CheckpointStore.file(" + file + ")";
    }
}

package io.containerlogging.local;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * A small file of the backend's durable state in the log directory (reserved ids, removals),
 * replaced atomically: written to a temporary file (0600, never through a symbolic link), forced to
 * the device, renamed over the old one. After a crash it holds the old content or the new, never a
 * torn mix.
 */
final class StateFile {

    private final Path file;
    private final Path temporary;

    StateFile(Path dir, String name) {
        this.file = dir.resolve(name);
        this.temporary = dir.resolve(name + ".tmp");
    }

    /**
     * The content, or null if there is no such file or it is not UTF-8 text.
     *
     * @throws IOException if it cannot be read, or is a symbolic link
     */
    String read() throws IOException {
        if (Files.isSymbolicLink(file)) {
            throw new IOException(file + " is a symbolic link; refusing to follow it");
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        } catch (MalformedInputException e) {
            return null;
        }
    }

    /** Replaces the content atomically and durably. */
    void write(String content) throws IOException {
        Files.deleteIfExists(temporary); // a leftover (or a planted link) from a crash
        try (FileChannel channel = FileChannel.open(temporary, Set.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rw-------")))) {
            ByteBuffer buffer = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public String toString() {
        return file.toString();
    }
}

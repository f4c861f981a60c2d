package io.containerlogging.core.internal;

import java.io.IOException;
import java.io.OutputStream;
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
 * A small file of a backend's durable state (read checkpoints, reserved ids, removals), replaced
 * atomically: written to a temporary file (0600, never through a symbolic link), forced to the
 * device, renamed over the old one, and the directory forced too. After a crash it holds the old
 * content or the new, never a torn mix.
 */
public final class StateFile {

    private static final System.Logger LOG = System.getLogger(StateFile.class.getName());

    private final Path file;
    private final Path temporary;

    /**
     * The state file {@code file}; its directory must exist when it is written.
     *
     * @param file where the state lives
     */
    public StateFile(Path file) {
        this.file = file.toAbsolutePath();
        this.temporary = this.file.resolveSibling(this.file.getFileName() + ".tmp");
    }

    /**
     * The content, or null if there is no such file (or directory) or it is not UTF-8 text.
     *
     * @return the text, or null
     * @throws IOException if it cannot be read, or is a symbolic link
     */
    public String read() throws IOException {
        if (Files.isSymbolicLink(file)) {
            throw new IOException(file + " is a symbolic link; refusing to follow it");
        }
        if (!Files.isDirectory(file.getParent())) {
            return null; // nothing written yet; the owner creates the directory
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        } catch (MalformedInputException e) {
            LOG.log(System.Logger.Level.WARNING, "ignoring " + file + ": not UTF-8 text");
            return null;
        }
    }

    /**
     * Replaces the content atomically and durably.
     *
     * @param content the new text
     * @throws IOException if it cannot be written
     */
    public void write(String content) throws IOException {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        Files.deleteIfExists(temporary); // a leftover (or a planted link) from a crash
        try (FileChannel channel = FileChannel.open(temporary, Set.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rw-------")))) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        } catch (UnsupportedOperationException e) { // not a POSIX file system
            try (OutputStream out = Files.newOutputStream(temporary)) {
                out.write(bytes);
            }
        }
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel directory = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            directory.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Some platforms cannot open a directory; the rename is still atomic there.
            LOG.log(System.Logger.Level.DEBUG, "cannot sync directory " + file.getParent() + ": " + e);
        }
    }

    @Override
    public String toString() {
        return file.toString();
    }
}

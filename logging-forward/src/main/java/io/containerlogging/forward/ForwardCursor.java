package io.containerlogging.forward;

import io.containerlogging.core.LogId;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.zip.CRC32;

/**
 * A forwarder's durable position: the id of the last message delivered (or passed over by its
 * filter), in {@code <dir>/<name>.cursor}.
 *
 * <p>The position is saved after every delivered batch, so saving must cost next to nothing:
 * replacing a file (write, rename) cost about a millisecond of metadata work per batch, as much
 * as reading the batch. Instead the file holds two fixed slots, written alternately in place, each
 * with its sequence and a checksum: a torn write (a power loss in the middle) can damage only the
 * slot being written, and loading takes the valid slot with the higher sequence. A crash of the
 * process loses nothing written (the kernel has it); the file is forced to the device at most
 * once a second ({@link #save} with {@code force}).
 */
final class ForwardCursor implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ForwardCursor.class.getName());
    private static final int SLOT = 64;

    private final Path file;
    private FileChannel channel; // opened at the first save
    private int next; // the slot the next save writes

    ForwardCursor(Path dir, String name) {
        this.file = dir.resolve(name + ".cursor");
    }

    /**
     * The saved position, or null if there is none. Damaged slots are skipped; a file with none
     * valid is reported and read as none rather than stopping the start (the forwarder then
     * begins where a new one would).
     */
    String load() throws IOException {
        if (Files.isSymbolicLink(file)) {
            throw new IOException(file + " is a symbolic link; refusing to follow it");
        }
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        byte[] bytes = Files.readAllBytes(file);
        long best = 0;
        for (int slot = 0; slot < 2; slot++) {
            long sequence = slot(bytes, slot);
            if (sequence > best) {
                best = sequence;
                next = 1 - slot; // write over the older one first
            }
        }
        if (best == 0 && bytes.length > 0) {
            LOG.log(System.Logger.Level.WARNING, "ignoring damaged forwarder cursor " + file);
        }
        return best == 0 ? null : LogId.format(best);
    }

    /** The sequence in slot {@code slot}, or 0 if it is empty or damaged. */
    private static long slot(byte[] bytes, int slot) {
        int from = slot * SLOT;
        if (bytes.length < from + SLOT) {
            return 0;
        }
        String text = new String(bytes, from, SLOT, StandardCharsets.US_ASCII);
        int tab = text.indexOf('\t');
        int end = text.indexOf('\n');
        if (tab < 1 || end < tab) {
            return 0;
        }
        String id = text.substring(0, tab);
        long sequence = LogId.trySequence(id);
        try {
            return sequence > 0 && Long.parseLong(text.substring(tab + 1, end), 16) == crc(id) ? sequence : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static long crc(String id) {
        CRC32 crc = new CRC32();
        crc.update(id.getBytes(StandardCharsets.US_ASCII));
        return crc.getValue();
    }

    /**
     * Saves the position in the older slot; forces the file to the device if {@code force}.
     * Unforced, a crash of the process still finds it (the kernel holds it); only a power loss
     * can bring back an older position.
     */
    void save(String afterId, boolean force) throws IOException {
        if (channel == null) {
            Files.createDirectories(file.getParent());
            channel = FileChannel.open(file, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        String text = afterId + "\t" + Long.toHexString(crc(afterId)) + "\n";
        ByteBuffer slot = ByteBuffer.allocate(SLOT);
        slot.put(text.getBytes(StandardCharsets.US_ASCII));
        while (slot.hasRemaining()) {
            slot.put((byte) ' ');
        }
        slot.flip();
        long position = (long) next * SLOT;
        while (slot.hasRemaining()) {
            position += channel.write(slot, position);
        }
        next = 1 - next;
        if (force) {
            channel.force(false);
        }
    }

    @Override
    public void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "cannot close " + file + ": " + e);
            }
        }
    }

    @Override
    public String toString() {
        return file.toString();
    }
}

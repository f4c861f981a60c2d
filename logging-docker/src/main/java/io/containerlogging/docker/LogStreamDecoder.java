package io.containerlogging.docker;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads the body of Docker's {@code GET /containers/{id}/logs} into a {@link LineAssembler}.
 *
 * <p>Without a TTY the body is multiplexed: frames of an 8-byte header (stream type, three zero
 * bytes, big-endian payload length) and a payload. With {@code timestamps=1} dockerd writes each
 * log entry as exactly one frame, so a frame's end tells the assembler where an unterminated entry
 * ends. With a TTY the body is the raw byte stream (stderr merged into stdout, lines ending in
 * {@code \r\n}); it is all treated as stdout.
 *
 * <p>Payloads are fed to the assembler in pieces of at most {@value #BUFFER_SIZE} bytes through one
 * reused buffer, so a huge frame never makes us allocate its size.
 */
final class LogStreamDecoder {

    static final int BUFFER_SIZE = 8192;
    private static final int STREAM_STDERR = 2;

    private final boolean tty;
    private final LineAssembler assembler;
    private final byte[] buffer = new byte[BUFFER_SIZE];
    private final byte[] header = new byte[8];

    LogStreamDecoder(boolean tty, LineAssembler assembler) {
        this.tty = tty;
        this.assembler = assembler;
    }

    /**
     * Reads {@code body} to its end, then delivers the pending lines. If reading fails, the
     * incomplete entry is dropped (a resume reads it again whole) and the exception is rethrown.
     */
    void readAll(InputStream body) throws IOException {
        try {
            if (tty) {
                readRaw(body);
            } else {
                readMultiplexed(body);
            }
        } catch (IOException | RuntimeException e) {
            assembler.discardPending();
            throw e;
        }
        assembler.finish();
    }

    private void readRaw(InputStream body) throws IOException {
        int n;
        while ((n = body.read(buffer)) >= 0) {
            if (n > 0) {
                assembler.accept(false, buffer, 0, n);
            }
        }
    }

    private void readMultiplexed(InputStream body) throws IOException {
        while (readHeader(body)) {
            boolean stdErr = (header[0] & 0xFF) == STREAM_STDERR;
            long remaining = ((header[4] & 0xFFL) << 24) | ((header[5] & 0xFF) << 16)
                    | ((header[6] & 0xFF) << 8) | (header[7] & 0xFF);
            while (remaining > 0) {
                int n = body.read(buffer, 0, (int) Math.min(buffer.length, remaining));
                if (n < 0) {
                    throw new EOFException("log stream ended inside a frame (" + remaining + " bytes missing)");
                }
                assembler.accept(stdErr, buffer, 0, n);
                remaining -= n;
            }
            assembler.endOfEntry(stdErr);
        }
    }

    /** Reads a frame header; false at a clean end of stream (before its first byte). */
    private boolean readHeader(InputStream body) throws IOException {
        int read = 0;
        while (read < header.length) {
            int n = body.read(header, read, header.length - read);
            if (n < 0) {
                if (read == 0) {
                    return false;
                }
                throw new EOFException("log stream ended inside a frame header");
            }
            read += n;
        }
        return true;
    }
}

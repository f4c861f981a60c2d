package io.containerlogging.benchmarks;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.LockSupport;

/**
 * Target 1's probe: the floor for reading a container's log in Java. Sends the same Engine API
 * request the monitor sends ({@code GET /containers/<id>/logs?stdout=1&stderr=1&timestamps=1&follow=1})
 * over the unix socket with the JDK alone and reads the response to its end into a 64 KiB buffer,
 * decoding nothing. If this is as fast as {@code docker logs -t}, whatever the monitor takes
 * beyond it is spent in the client stack and the library, not in dockerd.
 *
 * <p>With {@code napMicros} above 0 it naps that long after every read that did not fill the
 * buffer, as the library's {@code SocketLogStreams} does (50 us there): the probe behind that
 * choice. Longer naps let the socket fill up, and dockerd stalls.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.containerlogging.benchmarks.RawLogRead
 * <containerId> [socketPath [napMicros]]}. Prints {@code raw nap-us=<n> bytes=<n> reads=<n> ms=<elapsed>}.
 */
public final class RawLogRead {

    private RawLogRead() {
    }

    public static void main(String[] args) throws IOException {
        String socket = args.length > 1 ? args[1] : "/var/run/docker.sock";
        long napMicros = args.length > 2 ? Long.parseLong(args[2]) : 0;
        long start = System.nanoTime();
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            String request = "GET /containers/" + args[0] + "/logs?stdout=1&stderr=1&timestamps=1&follow=1 HTTP/1.1\r\n"
                    + "Host: docker\r\nConnection: close\r\n\r\n";
            channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
            long total = 0;
            long reads = 0;
            int n;
            while ((n = channel.read(buffer)) >= 0) {
                total += n;
                reads++;
                if (napMicros > 0 && buffer.hasRemaining()) { // after a full buffer, more is waiting: no nap
                    LockSupport.parkNanos(napMicros * 1000);
                }
                buffer.clear();
            }
            System.out.printf("raw nap-us=%d bytes=%d reads=%d ms=%d%n", napMicros, total, reads, (System.nanoTime() - start) / 1_000_000);
        }
    }
}

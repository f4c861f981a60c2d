import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small adversary for the container-logging HTTP API, run by scripts/http-adversary.sh: each
 * attack opens a bounded number of hostile connections to a server on loopback, measures how
 * long a normal client's request takes meanwhile, and how long the server keeps the hostile
 * connections. JDK only; run as a single source file:
 *
 * <pre>
 * java scripts/HttpAdversary.java seed DIR             # writes a log file of 300 x 64 KiB lines
 * java scripts/HttpAdversary.java attack PORT [N]      # N hostile connections per attack (default 8, max 64)
 * </pre>
 *
 * Loopback only: it refuses any other target. Every wait is bounded (WAIT_MILLIS).
 */
public class HttpAdversary {

    static final long WAIT_MILLIS = 25_000;
    static int port;

    public static void main(String[] args) throws Exception {
        if (args.length >= 2 && args[0].equals("seed")) {
            seed(Path.of(args[1]));
            return;
        }
        if (args.length < 2 || !args[0].equals("attack")) {
            System.err.println("usage: seed DIR | attack PORT [N]");
            System.exit(2);
        }
        port = Integer.parseInt(args[1]);
        int n = args.length > 2 ? Math.min(64, Integer.parseInt(args[2])) : 8;
        System.out.println("| attack | hostile connections | normal request meanwhile | hostile connections closed by the server after |");
        System.out.println("|---|---|---|---|");
        attack("unfinished headers", n, "GET /api/v1/logs HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ", 0);
        attack("LF-only request, unfinished", n, "GET /api/v1/logs HTTP/1.1\nHost: 127.0.0.1\nX-A: b", 0);
        attack("POST announcing 1000 bytes, sending none", n, "POST /api/v1/logs/abc/attach HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n", 0);
        attack("GET /api/v1/logs (8 MiB), never read", n, "GET /api/v1/logs HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 4096);
        attack("stream with tail=10000, never read", n,
                "GET /api/v1/logs/stream?tail=10000 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 4096);
        System.out.println();
        System.out.println("| probe | answer |");
        System.out.println("|---|---|");
        probe("foreign Host (DNS rebinding)", "GET /api/v1/logs/count HTTP/1.1\r\nHost: evil.example\r\n\r\n");
        probe("foreign Origin, POST attach", "POST /api/v1/logs/abc/attach HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Origin: https://evil.example\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
        probe("POST attach as text/plain", "POST /api/v1/logs/abc/attach HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: text/plain\r\nContent-Length: 2\r\n\r\n{}");
        probe("370 KB parameter name", "GET /api/v1/logs?" + "p".repeat(370_000) + "=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        probe("malformed JSON body", "POST /api/v1/logs/abc/attach HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\nContent-Length: 3\r\n\r\n{x}");
        probe("HEAD /api/v1/logs", "HEAD /api/v1/logs HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        probe("GET /api/v1/logs (300 x 64 KiB stored)", "GET /api/v1/logs HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        probe("malformed request line", "GARBAGE\r\n\r\n");
    }

    /** One NDJSON log file the example server reloads at start: 300 messages of 64 KiB. */
    static void seed(Path dir) throws IOException {
        Files.createDirectories(dir);
        String text = "x".repeat(64 * 1024);
        long now = System.currentTimeMillis();
        try (Writer out = Files.newBufferedWriter(dir.resolve("container-manager-" + now + ".log"))) {
            for (int i = 1; i <= 300; i++) {
                out.write("{\"id\":\"log-" + i + "\",\"message\":\"" + text + "\",\"timestamp\":" + now
                        + ",\"level\":\"info\",\"source\":{\"type\":\"system\"},\"isStdErr\":false,\"isSystem\":true}\n");
            }
        }
    }

    static Socket connect(int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
        return socket;
    }

    static void attack(String name, int n, String request, int receiveBuffer) throws Exception {
        List<Socket> hostile = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            Socket socket = connect(receiveBuffer);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            hostile.add(socket);
        }
        Thread.sleep(500); // let them take what they can
        String normal = normalRequest();
        // How long until the server closes each hostile connection, polling them all until the
        // deadline; non-readers are probed without reading: a read would let the response complete.
        long deadline = start + WAIT_MILLIS * 1_000_000;
        boolean[] closed = new boolean[n];
        int closedCount = 0;
        long lastClosedAfter = 0;
        while (closedCount < n && System.nanoTime() < deadline) {
            for (int i = 0; i < n; i++) {
                if (!closed[i] && isClosed(hostile.get(i), receiveBuffer > 0)) {
                    closed[i] = true;
                    closedCount++;
                    lastClosedAfter = (System.nanoTime() - start) / 1_000_000;
                }
            }
            sleep(200);
        }
        for (Socket socket : hostile) {
            socket.close();
        }
        System.out.printf(Locale.ROOT, "| %s | %d | %s | %s |%n", name, n, normal,
                closedCount == n ? "all, the last after " + lastClosedAfter + " ms"
                        : closedCount + " of " + n + " (the last after " + lastClosedAfter + " ms); the rest still open after "
                                + WAIT_MILLIS + " ms");
        Thread.sleep(1000);
    }

    /** Whether the server has closed the connection, checked without waiting. */
    static boolean isClosed(Socket socket, boolean nonReader) {
        try {
            if (nonReader) {
                socket.sendUrgentData(0); // fails once the server has closed (the first send draws a reset)
                return false;
            }
            socket.setSoTimeout(1);
            byte[] buffer = new byte[65536];
            while (true) {
                if (socket.getInputStream().read(buffer) < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    static String normalRequest() {
        long start = System.nanoTime();
        try (Socket socket = connect(0)) {
            socket.setSoTimeout(15_000);
            socket.getOutputStream().write("GET /api/v1/logs/count HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            return response.substring(0, Math.min(12, response.length())).substring(9) + " in "
                    + (System.nanoTime() - start) / 1_000_000 + " ms";
        } catch (IOException e) {
            return "failed after " + (System.nanoTime() - start) / 1_000_000 + " ms: " + e.getMessage();
        }
    }

    static void probe(String name, String request) {
        long start = System.nanoTime();
        try (Socket socket = connect(0)) {
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buffer = new byte[65536];
            int r;
            boolean head = request.startsWith("HEAD ");
            while (!(head ? got.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n") : complete(got))
                    && (r = in.read(buffer)) >= 0) {
                got.write(buffer, 0, r);
            }
            String text = got.toString(StandardCharsets.UTF_8);
            String status = text.length() >= 12 ? text.substring(9, 12) : "(no answer)";
            int bodyAt = text.indexOf("\r\n\r\n");
            String body = bodyAt < 0 ? "" : text.substring(bodyAt + 4);
            String excerpt = body.length() > 110 ? body.substring(0, 50) + " ... " + body.substring(body.length() - 55)
                    : body;
            System.out.printf(Locale.ROOT, "| %s | %s, %d bytes, %d ms: `%s` |%n", name, status, got.size(),
                    (System.nanoTime() - start) / 1_000_000, excerpt.replace("|", "\\|").replace("\n", " "));
        } catch (IOException e) {
            System.out.printf(Locale.ROOT, "| %s | connection ended without an answer (%s) |%n", name, e.getMessage());
        }
    }

    /** Whether a Content-Length response (or a headers-only one) has fully arrived. */
    static boolean complete(ByteArrayOutputStream got) {
        String text = got.toString(StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        for (String line : text.substring(0, end).split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return text.length() - end - 4 >= Long.parseLong(line.substring(15).trim());
            }
        }
        return !text.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked") || text.endsWith("\r\n0\r\n\r\n");
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

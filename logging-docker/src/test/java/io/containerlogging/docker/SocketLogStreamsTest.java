package io.containerlogging.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
@DisplayName("SocketLogStreams speaks just enough HTTP/1.1 to read a log stream")
class SocketLogStreamsTest {

    @TempDir
    Path dir;

    final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : open) {
            closeable.close();
        }
    }

    /** A one-connection engine on a unix socket: records the request, then writes the given pieces. */
    final class FakeEngine {
        final ServerSocketChannel server;
        final Path socket;
        final CompletableFuture<String> request = new CompletableFuture<>();
        final CountDownLatch release = new CountDownLatch(1);

        FakeEngine() throws IOException {
            socket = dir.resolve("engine-" + System.nanoTime() + ".sock");
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            open.add(server);
        }

        URI uri() {
            return URI.create("unix://" + socket);
        }

        /** Answers the next connection with {@code pieces}, each written and flushed on its own. */
        FakeEngine answer(boolean holdOpen, byte[]... pieces) {
            Thread thread = new Thread(() -> {
                try (SocketChannel client = server.accept()) {
                    request.complete(readHead(client));
                    for (byte[] piece : pieces) {
                        ByteBuffer out = ByteBuffer.wrap(piece);
                        while (out.hasRemaining()) {
                            client.write(out);
                        }
                    }
                    if (holdOpen) {
                        release.await(20, TimeUnit.SECONDS);
                    }
                } catch (IOException | InterruptedException e) {
                    request.completeExceptionally(e);
                }
            }, "fake-engine");
            thread.setDaemon(true);
            thread.start();
            return this;
        }

        FakeEngine answer(String... pieces) {
            byte[][] bytes = new byte[pieces.length][];
            for (int i = 0; i < pieces.length; i++) {
                bytes[i] = pieces[i].getBytes(StandardCharsets.ISO_8859_1);
            }
            return answer(false, bytes);
        }

        LogStreams streams() {
            return SocketLogStreams.forHost(uri(), false, Duration.ofSeconds(5));
        }
    }

    static String readHead(SocketChannel channel) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            one.clear();
            if (channel.read(one) < 0) {
                break;
            }
            head.write(one.array()[0]);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    static String readAll(InputStream body) throws IOException {
        return new String(body.readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    static String chunk(String data) {
        return Integer.toHexString(data.length()) + "\r\n" + data + "\r\n";
    }

    static final String OK_CHUNKED = "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n";

    @Test
    @DisplayName("sends a GET with Host and Connection: close, and decodes a chunked body")
    void chunkedBody() throws Exception {
        FakeEngine engine = new FakeEngine().answer(OK_CHUNKED, chunk("first entry\n"), chunk("second\n"), "0\r\n\r\n");
        try (LogStreams.Response response = engine.streams().open("/containers/abc/logs?follow=1")) {
            assertThat(response.status()).isEqualTo(200);
            assertThat(readAll(response.body())).isEqualTo("first entry\nsecond\n");
            assertThat(response.body().read()).isEqualTo(-1);
        }
        assertThat(engine.request.get()).isEqualTo("GET /containers/abc/logs?follow=1 HTTP/1.1\r\nHost: docker\r\n"
                + "User-Agent: container-logging\r\nConnection: close\r\n\r\n");
    }

    @Test
    @DisplayName("a body split into single bytes, each written on its own, arrives whole")
    void splitEverywhere() throws Exception {
        StringBuilder wire = new StringBuilder(OK_CHUNKED);
        StringBuilder expected = new StringBuilder();
        Random random = new Random(3);
        for (int i = 0; i < 200; i++) {
            String data = "entry " + i + " " + "x".repeat(random.nextInt(300)) + "\n";
            expected.append(data);
            wire.append(chunk(data));
        }
        wire.append("0\r\n\r\n");
        byte[] bytes = wire.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[][] pieces = new byte[bytes.length][];
        for (int i = 0; i < bytes.length; i++) {
            pieces[i] = new byte[] {bytes[i]};
        }
        FakeEngine engine = new FakeEngine().answer(false, pieces);
        try (LogStreams.Response response = engine.streams().open("/containers/abc/logs")) {
            assertThat(readAll(response.body())).isEqualTo(expected.toString());
        }
    }

    @Test
    @DisplayName("upper-case hex, chunk extensions and trailer fields are understood")
    void extensionsAndTrailers() throws Exception {
        String big = "y".repeat(0xAB);
        FakeEngine engine = new FakeEngine().answer(OK_CHUNKED, "AB;name=value\r\n" + big + "\r\n",
                "0\r\nX-Trailer: 1\r\n\r\n");
        try (LogStreams.Response response = engine.streams().open("/x")) {
            assertThat(readAll(response.body())).isEqualTo(big);
        }
    }

    @Test
    @DisplayName("an error with Content-Length gives its status and exactly its body")
    void contentLength() throws Exception {
        String json = "{\"message\":\"No such container: abc\"}";
        FakeEngine engine = new FakeEngine().answer(false, ("HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + json.length() + "\r\n\r\n" + json + "trailing garbage").getBytes(StandardCharsets.US_ASCII));
        try (LogStreams.Response response = engine.streams().open("/containers/abc/logs")) {
            assertThat(response.status()).isEqualTo(404);
            assertThat(readAll(response.body())).isEqualTo(json);
        }
    }

    @Test
    @DisplayName("without a length or chunking, the body runs until the engine closes")
    void untilClose() throws Exception {
        FakeEngine engine = new FakeEngine().answer("HTTP/1.0 200 OK\r\n\r\nraw ", "stream");
        try (LogStreams.Response response = engine.streams().open("/x")) {
            assertThat(readAll(response.body())).isEqualTo("raw stream");
        }
    }

    @Test
    @DisplayName("a connection that ends inside a chunk is an error, not a clean end")
    void endsInsideChunk() throws Exception {
        FakeEngine engine = new FakeEngine().answer(OK_CHUNKED, chunk("whole\n"), "20\r\nonly part");
        try (LogStreams.Response response = engine.streams().open("/x")) {
            InputStream body = response.body();
            assertThat(new String(body.readNBytes(6), StandardCharsets.US_ASCII)).isEqualTo("whole\n");
            assertThatThrownBy(body::readAllBytes).isInstanceOf(EOFException.class).hasMessageContaining("missing");
        }
    }

    @Test
    @DisplayName("a connection that ends between chunks (no last chunk) is an error too")
    void endsBetweenChunks() throws Exception {
        FakeEngine engine = new FakeEngine().answer(OK_CHUNKED, chunk("whole\n"));
        try (LogStreams.Response response = engine.streams().open("/x")) {
            assertThatThrownBy(() -> readAll(response.body())).isInstanceOf(EOFException.class);
        }
    }

    @Test
    @DisplayName("garbage where a chunk size belongs, or after chunk data, is a ProtocolException")
    void badChunks() throws Exception {
        FakeEngine badSize = new FakeEngine().answer(OK_CHUNKED, "zz\r\nabc\r\n0\r\n\r\n");
        try (LogStreams.Response response = badSize.streams().open("/x")) {
            assertThatThrownBy(() -> readAll(response.body())).isInstanceOf(ProtocolException.class)
                    .hasMessageContaining("chunk size");
        }
        FakeEngine noCrlf = new FakeEngine().answer(OK_CHUNKED, "3\r\nabcXY0\r\n\r\n");
        try (LogStreams.Response response = noCrlf.streams().open("/x")) {
            assertThatThrownBy(() -> readAll(response.body())).isInstanceOf(ProtocolException.class);
        }
        FakeEngine tooLong = new FakeEngine().answer(OK_CHUNKED, "1".repeat(2000) + "\r\n");
        try (LogStreams.Response response = tooLong.streams().open("/x")) {
            assertThatThrownBy(() -> readAll(response.body())).isInstanceOf(ProtocolException.class);
        }
    }

    @Test
    @DisplayName("a peer that does not speak HTTP fails at open with a ProtocolException")
    void notHttp() throws Exception {
        FakeEngine engine = new FakeEngine().answer("SSH-2.0-OpenSSH_9.2\r\n\r\n");
        assertThatThrownBy(() -> engine.streams().open("/x")).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("not an HTTP/1.x response");
        FakeEngine silent = new FakeEngine().answer("HTTP/1.1 200 OK\r\nTransfer-");
        assertThatThrownBy(() -> silent.streams().open("/x")).isInstanceOf(EOFException.class)
                .hasMessageContaining("response head");
    }

    @Test
    @DisplayName("close() from another thread ends a read that is waiting for the engine")
    void closeUnblocksRead() throws Exception {
        FakeEngine engine = new FakeEngine().answer(true, OK_CHUNKED.getBytes(StandardCharsets.US_ASCII),
                chunk("one\n").getBytes(StandardCharsets.US_ASCII));
        LogStreams.Response response = engine.streams().open("/x");
        InputStream body = response.body();
        assertThat(new String(body.readNBytes(4), StandardCharsets.US_ASCII)).isEqualTo("one\n");
        CompletableFuture<Throwable> reader = CompletableFuture.supplyAsync(() -> {
            try {
                body.read(new byte[10]);
                return null;
            } catch (IOException e) {
                return e;
            }
        });
        Thread.sleep(200); // let the reader block in the socket read
        response.close();
        assertThat(reader.get(10, TimeUnit.SECONDS)).isInstanceOf(IOException.class);
        engine.release.countDown();
    }

    @Test
    @DisplayName("a TCP engine is reached with its host as Host header and its path as a prefix")
    void tcpWithPrefix() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            CompletableFuture<String> request = CompletableFuture.supplyAsync(() -> {
                try (SocketChannel client = server.accept()) {
                    String head = readHead(client);
                    client.write(ByteBuffer.wrap((OK_CHUNKED + chunk("tcp\n") + "0\r\n\r\n").getBytes(StandardCharsets.US_ASCII)));
                    return head;
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            LogStreams streams = SocketLogStreams.forHost(URI.create("tcp://127.0.0.1:" + port + "/engine/"), false,
                    Duration.ofSeconds(5));
            try (LogStreams.Response response = streams.open("/containers/c/logs")) {
                assertThat(readAll(response.body())).isEqualTo("tcp\n");
            }
            assertThat(request.get()).startsWith("GET /engine/containers/c/logs HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n");
        }
    }

    @Test
    @DisplayName("only unix and plain TCP engines are read this way: TLS and named pipes keep docker-java's transport")
    void whichHosts() {
        Duration timeout = Duration.ofSeconds(1);
        assertThat(SocketLogStreams.forHost(URI.create("unix:///var/run/docker.sock"), false, timeout)).isNotNull();
        assertThat(SocketLogStreams.forHost(URI.create("tcp://10.0.0.1:2375"), false, timeout)).isNotNull();
        assertThat(SocketLogStreams.forHost(URI.create("tcp://10.0.0.1:2376"), true, timeout)).isNull();
        assertThat(SocketLogStreams.forHost(URI.create("npipe:////./pipe/docker_engine"), false, timeout)).isNull();
        assertThat(SocketLogStreams.forHost(URI.create("ssh://user@host"), false, timeout)).isNull();
    }

    @Test
    @DisplayName("an engine that is not there fails at open with an IOException")
    void noEngine() {
        LogStreams streams = SocketLogStreams.forHost(URI.create("unix://" + dir.resolve("absent.sock")), false,
                Duration.ofSeconds(1));
        assertThatThrownBy(() -> streams.open("/x")).isInstanceOf(IOException.class);
    }
}

package io.containerlogging.forward.syslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The sink's connection handling against receivers in this JVM that misbehave on purpose. */
@DisplayName("SyslogSink connection handling")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SyslogSinkTest {

    private static List<LogMessage> batch(int from, int count, int lineLength) {
        List<LogMessage> batch = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            batch.add(LogMessage.builder().id("log-" + (i + 1)).message("m".repeat(lineLength))
                    .timestamp(Instant.parse("2026-12-06T10:00:00Z")).level(LogLevel.INFO)
                    .source(LogSource.container("web")).serviceName("web").deviceId("d").build());
        }
        return batch;
    }

    @Test
    @DisplayName("a receiver that accepts but never reads makes deliver throw a SocketTimeoutException, not hang")
    void receiverThatNeverReads() throws Exception {
        try (ServerSocket server = new ServerSocket()) {
            server.setReceiveBufferSize(4096);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            List<Socket> accepted = new ArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    accepted.add(server.accept()); // and never read from it
                } catch (IOException e) {
                    // closed by the test
                }
            });
            acceptor.start();
            try (SyslogSink sink = SyslogSink.builder("127.0.0.1", server.getLocalPort())
                    .writeTimeout(Duration.ofMillis(500)).build()) {
                // the socket buffers on both sides take some megabytes first: keep delivering until they are full
                IOException failure = null;
                for (int i = 0; i < 200 && failure == null; i++) {
                    try {
                        sink.deliver(batch(i * 500, 500, 4000));
                    } catch (IOException e) {
                        failure = e;
                    }
                }
                assertThat(failure).isInstanceOf(SocketTimeoutException.class)
                        .hasMessageContaining("stopped reading");
                // and the next attempt fails the same way, on a new connection, instead of blocking
                assertThatThrownBy(() -> sink.deliver(batch(0, 500, 4000))).isInstanceOf(IOException.class);
            } finally {
                acceptor.join(1000);
                for (Socket s : accepted) {
                    s.close();
                }
            }
        }
    }

    @Test
    @DisplayName("over TLS too: a receiver that shakes hands and then never reads makes deliver throw, not hang")
    void tlsReceiverThatNeverReads(@TempDir Path dir) throws Exception {
        RsyslogServer.Tls tls = TestCertificates.create(dir, "stall CA");
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(TestCertificates.pkcs12(tls, "changeit"))) {
            store.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, "changeit".toCharArray());
        SSLContext serverContext = SSLContext.getInstance("TLS");
        serverContext.init(keys.getKeyManagers(), null, null);
        try (SSLServerSocket server = (SSLServerSocket) serverContext.getServerSocketFactory().createServerSocket()) {
            server.setReceiveBufferSize(4096);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            List<Socket> accepted = new ArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    SSLSocket s = (SSLSocket) server.accept();
                    accepted.add(s);
                    s.startHandshake(); // and never read application data
                } catch (IOException e) {
                    // closed by the test
                }
            });
            acceptor.start();
            try (SyslogSink sink = SyslogSink.builder("localhost", server.getLocalPort())
                    .tlsTrusting(tls.caFile()).writeTimeout(Duration.ofMillis(500)).build()) {
                IOException failure = null;
                for (int i = 0; i < 200 && failure == null; i++) {
                    try {
                        sink.deliver(batch(i * 500, 500, 4000));
                    } catch (IOException e) {
                        failure = e;
                    }
                }
                assertThat(failure).isInstanceOf(SocketTimeoutException.class).hasMessageContaining("stopped reading");
                assertThat(sink.connections()).isEqualTo(1);
            } finally {
                acceptor.join(1000);
                for (Socket s : accepted) {
                    s.close();
                }
            }
        }
    }

    @Test
    @DisplayName("after the receiver closes the connection, the next deliver reconnects and sends the newest messages again first")
    void reconnectsAndResends() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                SyslogSink sink = SyslogSink.builder("127.0.0.1", server.getLocalPort()).build()) {
            sink.deliver(batch(0, 10, 20));
            byte[] first;
            try (Socket s = server.accept()) {
                first = readFrames(s, 10);
            } // the receiver closes: the sink's reader sees the end of the stream
            assertThat(Rfc5424EncoderTest.split(first)).hasSize(10);

            await().atMost(Duration.ofSeconds(10)).until(() -> !sink.connectionOpen()); // the reader saw the close
            sink.deliver(batch(10, 5, 20));
            try (Socket s = server.accept()) {
                List<byte[]> frames = Rfc5424EncoderTest.split(readFrames(s, 15));
                assertThat(new String(frames.get(0), java.nio.charset.StandardCharsets.UTF_8)).contains(" log-1 ");
                assertThat(new String(frames.get(14), java.nio.charset.StandardCharsets.UTF_8)).contains(" log-15 ");
            }
            assertThat(sink.connections()).isEqualTo(2);
            assertThat(sink.resentMessages()).isEqualTo(10);
        }
    }

    @Test
    @DisplayName("a receiver that closes the connection in order long after the last write (an idle timeout) gets nothing twice")
    void idleCloseResendsNothing() throws Exception {
        AtomicLong nanos = new AtomicLong();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                SyslogSink sink = SyslogSink.builder("127.0.0.1", server.getLocalPort()).ticker(nanos::get).build()) {
            sink.deliver(batch(0, 10, 20));
            try (Socket s = server.accept()) {
                readFrames(s, 10);
                nanos.addAndGet(SyslogSink.QUIET_BEFORE_CLOSE.toNanos());
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> !sink.connectionOpen());
            sink.deliver(batch(10, 5, 20));
            try (Socket s = server.accept()) {
                List<byte[]> frames = Rfc5424EncoderTest.split(readFrames(s, 5));
                assertThat(new String(frames.get(0), java.nio.charset.StandardCharsets.UTF_8)).contains(" log-11 ");
            }
            assertThat(sink.resentMessages()).isZero();
            assertThat(sink.connections()).isEqualTo(2);
        }
    }

    @Test
    @DisplayName("with resendBytes(0) nothing is sent twice")
    void resendOff() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                SyslogSink sink = SyslogSink.builder("127.0.0.1", server.getLocalPort()).resendBytes(0).build()) {
            sink.deliver(batch(0, 10, 20));
            try (Socket s = server.accept()) {
                readFrames(s, 10);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> !sink.connectionOpen()); // the reader saw the close
            sink.deliver(batch(10, 5, 20));
            try (Socket s = server.accept()) {
                List<byte[]> frames = Rfc5424EncoderTest.split(readFrames(s, 5));
                assertThat(new String(frames.get(0), java.nio.charset.StandardCharsets.UTF_8)).contains(" log-11 ");
            }
            assertThat(sink.resentMessages()).isZero();
        }
    }

    @Test
    @DisplayName("nobody listening: deliver throws, naming the target")
    void nobodyListening() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (SyslogSink sink = SyslogSink.builder("127.0.0.1", port).build()) {
            assertThatThrownBy(() -> sink.deliver(batch(0, 1, 10)))
                    .isInstanceOf(IOException.class)
                    .hasMessageStartingWith("syslog+tcp://127.0.0.1:" + port + ": cannot connect");
        }
    }

    @Test
    @DisplayName("a closed sink refuses to deliver; close is safe twice; an empty batch sends nothing")
    void closed() throws Exception {
        SyslogSink sink = SyslogSink.builder("127.0.0.1", 9).build();
        sink.deliver(List.of());
        assertThat(sink.connections()).isZero();
        sink.close();
        sink.close();
        assertThatThrownBy(() -> sink.deliver(batch(0, 1, 10))).isInstanceOf(IOException.class)
                .hasMessageContaining("closed");
    }

    @Test
    @DisplayName("the builder refuses bad settings, quoting the value")
    void builderValidation() {
        assertThatThrownBy(() -> SyslogSink.builder("h", 0)).hasMessageContaining("port 0");
        assertThatThrownBy(() -> SyslogSink.builder(" ", 1)).hasMessageContaining("host is empty");
        assertThatThrownBy(() -> SyslogSink.builder("h", 1).facility(24)).hasMessageContaining("facility 24");
        assertThatThrownBy(() -> SyslogSink.builder("h", 1).appName("with space")).hasMessageContaining("'with space'");
        assertThatThrownBy(() -> SyslogSink.builder("h", 1).maxMessageSize(100)).hasMessageContaining("maxMessageSize 100");
        assertThatThrownBy(() -> SyslogSink.builder("h", 1).writeTimeout(Duration.ZERO)).hasMessageContaining("writeTimeout");
        assertThatThrownBy(() -> SyslogSink.builder("h", 1).resendBytes(-1)).hasMessageContaining("-1");
        assertThatThrownBy(() -> SyslogSink.builder("h", 1).tls().tls()).isInstanceOf(IllegalStateException.class);
    }

    private static byte[] readFrames(Socket s, int frames) throws IOException {
        s.setSoTimeout(10_000);
        InputStream in = s.getInputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        while (countFrames(out.toByteArray()) < frames) {
            int n = in.read(buffer);
            if (n < 0) {
                break;
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    private static int countFrames(byte[] stream) {
        int count = 0;
        int i = 0;
        while (i < stream.length) {
            int space = i;
            while (space < stream.length && stream[space] != ' ') {
                space++;
            }
            if (space == stream.length) {
                return count;
            }
            int end = space + 1 + Integer.parseInt(new String(stream, i, space - i, java.nio.charset.StandardCharsets.US_ASCII));
            if (end > stream.length) {
                return count;
            }
            count++;
            i = end;
        }
        return count;
    }
}

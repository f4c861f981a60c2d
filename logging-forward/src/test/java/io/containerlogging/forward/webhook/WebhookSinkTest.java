package io.containerlogging.forward.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.containerlogging.core.LogFields;
import io.containerlogging.core.LogId;
import io.containerlogging.core.LogJson;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.forward.StoredMessage;
import io.containerlogging.core.LogSource;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link WebhookSink} against a real HTTP receiver started by the test. */
@Timeout(60)
class WebhookSinkTest {

    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00.123456789Z");

    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : opened) {
            closeable.close();
        }
    }

    private Receiver receiver() throws IOException {
        return receiver(0);
    }

    private Receiver receiver(int port) throws IOException {
        Receiver receiver = new Receiver(port);
        opened.add(receiver);
        return receiver;
    }

    private WebhookSink sink(WebhookSink.Builder builder) {
        WebhookSink sink = builder.build();
        opened.add(sink);
        return sink;
    }

    private static URI hook(Receiver receiver) {
        return URI.create("http://127.0.0.1:" + receiver.port() + "/hooks/logs");
    }

    private static List<LogMessage> batch(long from, long to) {
        return LongStream.rangeClosed(from, to).mapToObj(n -> LogMessage.builder().id(LogId.format(n))
                .message("line " + n).timestamp(T0.plusMillis(n)).level(LogLevel.INFO)
                .source(LogSource.container("web")).serviceId(1).serviceName("web").containerId("c-web")
                .deviceId("pi-07").build()).collect(Collectors.toList());
    }

    /** Log lines as hostile as they come: JSON and HTML syntax, control characters, lone surrogates. */
    private static List<LogMessage> hostile() {
        List<String> lines = List.of("{\"messages\":[]}\"]}", "</script><script>alert(1)</script>",
                "tab\tnewline\ncr\rnul\u0000bell\u0007 esc\u001b[31m", "\u2028\u2029 line separators",
                "emoji \ud83d\ude00 and lone \ud800 surrogate", "back\\slash \\\" \\u0041", "<!channel> & @here", "");
        List<LogMessage> messages = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            messages.add(LogMessage.builder().id(LogId.format(100 + i)).message(lines.get(i)).timestamp(T0)
                    .level(LogLevel.ERROR).source(LogSource.container("we\"b")).serviceName("we\"b").stdErr(true)
                    .deviceId("dev\nice").fields(LogFields.of(Map.of("user", "x\"}", "n", 42L))).build());
        }
        return messages;
    }

    /**
     * {@link #hostile()} as a receiver reads it: a lone surrogate has no UTF-8 form and arrives as
     * '?', as everywhere in the library (the JDK's UTF-8 encoder writes it so).
     */
    private static List<LogMessage> hostileAsReceived() {
        return hostile().stream().map(m -> m.toBuilder().message(m.message().replace("\ud800", "?")).build())
                .collect(Collectors.toList());
    }

    /** The messages in a received body, decoded with the library's one wire codec. */
    private static List<LogMessage> messages(Receiver.Request request) {
        JsonArray array = JsonParser.parseString(request.body()).getAsJsonObject().getAsJsonArray("messages");
        List<LogMessage> messages = new ArrayList<>();
        for (JsonElement element : array) {
            messages.add(LogJson.fromJson(element.toString()));
        }
        return messages;
    }

    private static List<LogMessage> received(Receiver receiver) {
        return receiver.requests.stream().flatMap(r -> messages(r).stream()).collect(Collectors.toList());
    }

    @Nested
    @DisplayName("Delivery")
    class Delivery {

        @Test
        @DisplayName("posts each batch as {\"messages\":[wire JSON...]}, hostile content intact, headers sent")
        void batchesArriveIntact() throws IOException {
            Receiver receiver = receiver();
            WebhookSink sink = sink(WebhookSink.builder().uri(hook(receiver)).header("Authorization", "Bearer s3cret"));
            List<LogMessage> first = batch(1, 500);
            sink.deliver(first);
            sink.deliver(hostile());
            assertThat(receiver.requests).hasSize(2);
            Receiver.Request request = receiver.requests.get(0);
            assertThat(request.method()).isEqualTo("POST");
            assertThat(request.path()).isEqualTo("/hooks/logs");
            assertThat(request.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
            assertThat(request.header("Content-Encoding")).isNull();
            assertThat(request.header("Authorization")).isEqualTo("Bearer s3cret");
            assertThat(messages(request)).isEqualTo(first);
            assertThat(messages(receiver.requests.get(1))).isEqualTo(hostileAsReceived());
            assertThat(sink.target()).isEqualTo("webhook+http://127.0.0.1:" + receiver.port() + "/hooks/logs")
                    .doesNotContain("s3cret");
        }

        @Test
        @DisplayName("gzip: the body arrives compressed with Content-Encoding: gzip and decodes to the batch")
        void gzipRoundTrip() throws IOException {
            Receiver receiver = receiver();
            WebhookSink sink = sink(WebhookSink.builder().uri(hook(receiver)).gzip(true));
            sink.deliver(hostile());
            sink.deliver(batch(1, 500));
            assertThat(receiver.requests).extracting(r -> r.header("Content-Encoding")).containsExactly("gzip", "gzip");
            assertThat(received(receiver)).isEqualTo(concat(hostileAsReceived(), batch(1, 500)));
        }

        @Test
        @DisplayName("gzip refused with 415: the batch is posted again uncompressed, and so is every later one")
        void gzipFallsBackOn415() throws IOException {
            Receiver receiver = receiver().answering(r -> r.header("Content-Encoding") != null
                    ? new Receiver.Answer(415, "gzip? no") : new Receiver.Answer(204, ""));
            WebhookSink sink = sink(WebhookSink.builder().uri(hook(receiver)).gzip(true));
            sink.deliver(batch(1, 10));
            sink.deliver(batch(11, 20));
            assertThat(receiver.all).extracting(r -> r.header("Content-Encoding")).containsExactly("gzip", null, null);
            assertThat(received(receiver)).isEqualTo(batch(1, 20));
        }

        @Test
        @DisplayName("summary: a chat-friendly text field first, with hostile lines defused")
        void summary() throws IOException {
            Receiver receiver = receiver();
            WebhookSink sink = sink(WebhookSink.builder().uri(hook(receiver)).summary(true));
            sink.deliver(hostile());
            JsonObject body = JsonParser.parseString(receiver.requests.get(0).body()).getAsJsonObject();
            assertThat(body.keySet()).containsExactly("text", "messages");
            String text = body.get("text").getAsString();
            assertThat(text).startsWith("8 log messages\n[error] we\"b @dev ice : ");
            assertThat(text).contains("&lt;!channel&gt; &amp; @here").doesNotContain("<!channel>").doesNotContain("\u0000");
            assertThat(messages(receiver.requests.get(0))).isEqualTo(hostileAsReceived());
        }

        @ParameterizedTest(name = "summary={0}, gzip={1}")
        @CsvSource({"false,false", "true,false", "false,true", "true,true"})
        @DisplayName("stored JSON passed through: byte for byte the body that encoding the messages posts")
        void storedJsonSameBody(boolean summary, boolean gzip) throws IOException {
            Receiver receiver = receiver();
            WebhookSink sink = sink(WebhookSink.builder().uri(hook(receiver)).summary(summary).gzip(gzip));
            assertThat(sink.sendsStoredJson()).isTrue();
            for (List<LogMessage> batch : List.of(batch(1, 500), hostile(), batch(7, 7))) {
                sink.deliver(batch);
                List<StoredMessage> stored = new ArrayList<>();
                for (LogMessage message : batch) {
                    byte[] line = LogJson.toJson(message).getBytes(StandardCharsets.UTF_8); // as a file holds it
                    stored.add(StoredMessage.fromStoredLine(line, 0, line.length));
                }
                sink.deliverStored(stored);
                int n = receiver.requests.size();
                assertThat(receiver.requests.get(n - 1).body()).isEqualTo(receiver.requests.get(n - 2).body());
                if (batch.get(0).fields().isEmpty()) { // (a line with fields is decoded and encoded again)
                    assertThat(stored.subList(Math.min(stored.size(), summary ? 10 : 0), stored.size()))
                            .as("only what a summary lists is decoded").noneMatch(StoredMessage::decoded);
                }
            }
        }

        @Test
        @DisplayName("a 2xx with an endless body is acknowledged without reading it all")
        void hugeAnswerBody() throws IOException {
            Receiver receiver = receiver().answering(r -> new Receiver.Answer(200, "x".repeat(1_000_000)));
            WebhookSink sink = sink(WebhookSink.builder().uri(hook(receiver)));
            sink.deliver(batch(1, 3));
            sink.deliver(batch(4, 6));
            assertThat(received(receiver)).isEqualTo(batch(1, 6));
        }
    }

    @Nested
    @DisplayName("Failures")
    class Failures {

        @Test
        @DisplayName("500: IOException naming the status and a sanitized excerpt of the body; nothing acknowledged")
        void serverError() throws IOException {
            String answer = "database\nis\u0000down " + "y".repeat(500);
            Receiver receiver = receiver().answering(r -> new Receiver.Answer(500, answer));
            WebhookSink sink = sink(WebhookSink.builder().uri(hook(receiver)));
            assertThatThrownBy(() -> sink.deliver(batch(1, 5))).isInstanceOf(IOException.class)
                    .hasMessageContaining("webhook+http://127.0.0.1:" + receiver.port() + "/hooks/logs")
                    .hasMessageContaining("HTTP 500: database is down yyy")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("\u0000")
                            .doesNotContain("y".repeat(200)));
        }

        @Test
        @DisplayName("a redirect or a 4xx is no acknowledgement either")
        void otherStatuses() throws IOException {
            java.util.concurrent.atomic.AtomicInteger status = new java.util.concurrent.atomic.AtomicInteger(302);
            Receiver receiver = receiver().answering(r -> new Receiver.Answer(status.get(), ""));
            WebhookSink sink = sink(WebhookSink.builder().uri(hook(receiver)));
            assertThatThrownBy(() -> sink.deliver(batch(1, 1))).hasMessageContaining("HTTP 302: (empty body)");
            status.set(404);
            assertThatThrownBy(() -> sink.deliver(batch(1, 1))).hasMessageContaining("HTTP 404: (empty body)");
        }

        @Test
        @DisplayName("receiver down: IOException; after it is back, the same batches are delivered")
        void receiverDownThenBack() throws Exception {
            Receiver first = receiver();
            int port = first.port();
            WebhookSink sink = sink(WebhookSink.builder().uri(hook(first)).connectTimeout(Duration.ofSeconds(2)));
            sink.deliver(batch(1, 100));
            first.close();
            assertThatThrownBy(() -> sink.deliver(batch(101, 200))).isInstanceOf(ConnectException.class)
                    .hasMessageContaining("webhook+http://127.0.0.1:" + port + "/hooks/logs");
            Receiver back = receiver(port);
            sink.deliver(batch(101, 200)); // as the forwarder does: the failed batch again
            sink.deliver(batch(201, 300));
            assertThat(received(first)).isEqualTo(batch(1, 100));
            assertThat(received(back)).isEqualTo(batch(101, 300));
        }

        @Test
        @DisplayName("a receiver that accepts but never answers: IOException within the timeout")
        void neverAnswers() throws Exception {
            try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                List<Socket> held = new ArrayList<>();
                Thread acceptor = new Thread(() -> {
                    try {
                        while (true) {
                            held.add(silent.accept()); // read nothing, answer nothing
                        }
                    } catch (IOException closed) {
                        // the test is over
                    }
                });
                acceptor.setDaemon(true);
                acceptor.start();
                WebhookSink sink = sink(WebhookSink.builder().uri(URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/h"))
                        .requestTimeout(Duration.ofMillis(500)));
                assertThatThrownBy(() -> sink.deliver(batch(1, 500))).isInstanceOf(HttpTimeoutException.class)
                        .hasMessageContaining("did not answer within PT0.5S");
            }
        }

        @Test
        @DisplayName("a receiver that sends its headers and then stalls: IOException within the timeout")
        void stallsInTheBody() throws Exception {
            try (ServerSocket stalling = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                List<Socket> held = new ArrayList<>();
                Thread acceptor = new Thread(() -> {
                    try {
                        while (true) {
                            Socket socket = silentlyHeld(stalling, held);
                            byte[] buffer = new byte[65536];
                            int read = socket.getInputStream().read(buffer); // the request's start
                            if (read > 0) {
                                socket.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial"
                                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                                socket.getOutputStream().flush();
                            }
                        }
                    } catch (IOException closed) {
                        // the test is over
                    }
                });
                acceptor.setDaemon(true);
                acceptor.start();
                WebhookSink sink = sink(WebhookSink.builder().uri(URI.create("http://127.0.0.1:" + stalling.getLocalPort() + "/h"))
                        .connectTimeout(Duration.ofMillis(500)).requestTimeout(Duration.ofMillis(500)));
                assertThatThrownBy(() -> sink.deliver(batch(1, 5))).isInstanceOf(HttpTimeoutException.class)
                        .hasMessageContaining("did not finish its answer within PT1S");
            }
        }

        private Socket silentlyHeld(ServerSocket server, List<Socket> held) throws IOException {
            Socket socket = server.accept();
            held.add(socket);
            return socket;
        }

        @Test
        @DisplayName("after close(): IOException, nothing posted")
        void closed() throws IOException {
            Receiver receiver = receiver();
            WebhookSink sink = sink(WebhookSink.builder().uri(hook(receiver)));
            sink.close();
            sink.close();
            assertThatThrownBy(() -> sink.deliver(batch(1, 1))).isInstanceOf(IOException.class).hasMessageContaining("closed");
            assertThat(receiver.all).isEmpty();
        }
    }

    @Nested
    @DisplayName("Configuration")
    class Configuration {

        @Test
        @DisplayName("fromUri maps flags, headers and user info; other parameters stay the receiver's")
        void fromUri() throws IOException {
            Receiver receiver = receiver();
            WebhookSink sink = WebhookSink.fromUri(URI.create("webhook+http://alert:p%40ss+w@127.0.0.1:" + receiver.port()
                    + "/hooks/logs?token=abc%20d&gzip=true&summary=true&header.X-Api-Key=k%3D1"));
            opened.add(sink);
            assertThat(sink.target()).isEqualTo("webhook+http://127.0.0.1:" + receiver.port() + "/hooks/logs");
            sink.deliver(batch(1, 2));
            Receiver.Request request = receiver.requests.get(0);
            assertThat(request.query()).isEqualTo("token=abc%20d");
            assertThat(request.header("Content-Encoding")).isEqualTo("gzip");
            assertThat(request.header("X-Api-Key")).isEqualTo("k=1");
            assertThat(request.header("Authorization")).isEqualTo("Basic "
                    + java.util.Base64.getEncoder().encodeToString("alert:p@ss+w".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            assertThat(JsonParser.parseString(request.body()).getAsJsonObject().has("text")).isTrue();
        }

        @Test
        @DisplayName("a bad URI or setting is rejected at once, quoting what is wrong but never a secret")
        void rejects() {
            assertThatThrownBy(() -> WebhookSink.fromUri(URI.create("webhook://h/p"))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("webhook+http://").hasMessageContaining("webhook://h/p");
            assertThatThrownBy(() -> WebhookSink.fromUri(URI.create("webhook+https://u:secret@h/p?gzip=yes")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'gzip'").hasMessageContaining("'yes'")
                    .hasMessageNotContaining("secret");
            assertThatThrownBy(() -> WebhookSink.fromUri(URI.create("webhook+https://user@h/p")))
                    .hasMessageContaining("password");
            assertThatThrownBy(() -> WebhookSink.fromUri(URI.create("webhook+https:///p"))).hasMessageContaining("host");
            assertThatThrownBy(() -> WebhookSink.fromUri(URI.create("webhook+https://h/p#x"))).hasMessageContaining("#x");
            assertThatThrownBy(() -> WebhookSink.fromUri(URI.create("webhook+https://h/p?header.Host=x")))
                    .hasMessageContaining("'Host'");
            assertThatThrownBy(() -> WebhookSink.fromUri(URI.create("ftp://u:secret@h/p?token=t0k")))
                    .hasMessageNotContaining("secret").hasMessageNotContaining("t0k");
            WebhookSink.Builder builder = WebhookSink.builder();
            assertThatThrownBy(() -> builder.header("Content-Type", "text/plain")).hasMessageContaining("Content-Type");
            assertThatThrownBy(() -> builder.header("X-Key", "a\r\nInjected: 1")).hasMessageContaining("X-Key")
                    .hasMessageNotContaining("Injected");
            assertThatThrownBy(() -> builder.requestTimeout(Duration.ZERO)).hasMessageContaining("requestTimeout");
            assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class).hasMessageContaining("uri");
            assertThat(WebhookSink.DEFAULT_CONNECT_TIMEOUT).isEqualTo(Duration.ofSeconds(5));
            assertThat(WebhookSink.DEFAULT_REQUEST_TIMEOUT).isEqualTo(Duration.ofSeconds(30));
        }
    }

    private static List<LogMessage> concat(List<LogMessage> a, List<LogMessage> b) {
        List<LogMessage> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}

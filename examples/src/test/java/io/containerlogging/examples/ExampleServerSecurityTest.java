package io.containerlogging.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.containerlogging.examples.ExampleServerConfig.DockerMode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Issue 14 in the example server: HTTPS, the token's validation, the warning for open binds. */
@Timeout(120)
class ExampleServerSecurityTest {

    @TempDir
    Path dir;

    final ByteArrayOutputStream console = new ByteArrayOutputStream();

    ExampleServerConfig config(String host, String token) {
        return new ExampleServerConfig(0, host, dir.resolve("logs"), 1000, Duration.ofHours(24), DockerMode.DISABLED,
                null, token);
    }

    ExampleServer start(ExampleServerConfig config) throws IOException {
        return ExampleServer.start(config, new PrintStream(console, true, StandardCharsets.UTF_8));
    }

    /** A fresh PKCS#12 keystore with a self-signed certificate for localhost, made by the JDK's keytool. */
    Path keystore(String password) throws Exception {
        Path keystore = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", password, "-keypass", password)
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(output).isZero();
        return keystore;
    }

    /** A client that trusts exactly the certificate in {@code keystore}. */
    static HttpClient trustingClient(Path keystore, String password) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            trust.load(in, password.toCharArray());
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Test
    @DisplayName("TLS_KEYSTORE serves HTTPS to a real TLS client; plain HTTP gets no answer")
    void https() throws Exception {
        Path keystore = keystore("changeit");
        ExampleServerConfig config = ExampleServerConfig.fromEnvironment(Map.of(
                "PORT", "0", "USE_REAL_DOCKER", "false", "LOG_DIR", dir.resolve("logs").toString(),
                "TLS_KEYSTORE", keystore.toString(), "TLS_KEYSTORE_PASSWORD", "changeit", "LOG_API_TOKEN", "s3cret"));
        try (ExampleServer server = start(config)) {
            HttpClient client = trustingClient(keystore, "changeit");
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                    URI.create("https://localhost:" + server.port() + "/api/v1/logs?limit=5"))
                    .header("Authorization", "Bearer s3cret").timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.sslSession()).isPresent();
            assertThat(response.body()).contains("\"logs\":[");
            HttpResponse<String> unauthenticated = client.send(HttpRequest.newBuilder(
                    URI.create("https://localhost:" + server.port() + "/api/v1/logs/count"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(unauthenticated.statusCode()).isEqualTo(401);
            assertThat(console.toString(StandardCharsets.UTF_8)).contains("https://127.0.0.1:" + server.port());

            HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/api/v1/logs/count"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    @DisplayName("a wrong keystore password fails at start, naming TLS_KEYSTORE")
    void wrongKeystorePassword() throws Exception {
        Path keystore = keystore("changeit");
        assertThatThrownBy(() -> start(config("127.0.0.1", null)
                .withTls(new ExampleServerConfig.Tls(keystore, "wrong"))))
                .isInstanceOf(IOException.class).hasMessageContaining("TLS_KEYSTORE");
    }

    @Test
    @DisplayName("binding to a non-loopback address without a token prints a warning naming LOG_API_TOKEN")
    void openBindWarns() throws Exception {
        try (ExampleServer server = start(config("0.0.0.0", null))) {
            assertThat(console.toString(StandardCharsets.UTF_8)).contains("WARNING").contains("LOG_API_TOKEN");
        }
        console.reset();
        try (ExampleServer server = start(config("127.0.0.1", null))) {
            assertThat(console.toString(StandardCharsets.UTF_8)).doesNotContain("WARNING");
        }
        console.reset();
        try (ExampleServer server = start(config("0.0.0.0", "s3cret"))) {
            assertThat(console.toString(StandardCharsets.UTF_8)).doesNotContain("WARNING");
        }
    }

    @Test
    @DisplayName("an invalid LOG_API_TOKEN (a space, a control character) is refused naming the variable, not quoting it")
    void invalidToken() {
        for (String token : new String[] {"abc def", "abc\u0001", "tök"}) {
            assertThatThrownBy(() -> ExampleServerConfig.fromEnvironment(Map.of("LOG_API_TOKEN", token)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("LOG_API_TOKEN")
                    .hasMessageNotContaining(token);
        }
    }

    @Test
    @DisplayName("main exits 2 naming LOG_API_TOKEN when it contains a space")
    void invalidTokenExits2() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ExampleServer.class.getName());
        builder.environment().put("LOG_API_TOKEN", "secret with space");
        builder.environment().put("USE_REAL_DOCKER", "false");
        builder.environment().put("PORT", "0");
        builder.environment().put("LOG_DIR", dir.resolve("logs").toString());
        builder.redirectErrorStream(true);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isEqualTo(2);
        assertThat(output).contains("LOG_API_TOKEN").doesNotContain("secret with space");
    }

    @Test
    @DisplayName("without a token, ALLOWED_HOSTS adds host names to the loopback ones")
    void allowedHosts() throws Exception {
        ExampleServerConfig config = ExampleServerConfig.fromEnvironment(Map.of(
                "PORT", "0", "USE_REAL_DOCKER", "false", "LOG_DIR", dir.resolve("logs").toString(),
                "ALLOWED_HOSTS", "logs.internal, ops.example"));
        assertThat(config.allowedHosts()).containsExactly("logs.internal", "ops.example");
        try (ExampleServer server = start(config)) {
            assertThat(status(server, "logs.internal")).isEqualTo(200);
            assertThat(status(server, "evil.example")).isEqualTo(403);
            assertThat(status(server, "localhost")).isEqualTo(200);
        }
    }

    @Test
    @DisplayName("a LOG_DIR that is a symbolic link stops the start, naming LOG_DIR")
    void linkedLogDir() throws Exception {
        Path real = Files.createDirectory(dir.resolve("real"));
        Path link = Files.createSymbolicLink(dir.resolve("linked"), real);
        ExampleServerConfig config = new ExampleServerConfig(0, "127.0.0.1", link, 1000, Duration.ofHours(24),
                DockerMode.DISABLED, null, null);
        assertThatThrownBy(() -> start(config)).isInstanceOf(IOException.class)
                .hasMessageContaining("LOG_DIR").hasMessageContaining("symbolic link");
    }

    private static int status(ExampleServer server, String host) throws IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /api/v1/logs/count HTTP/1.1\r\nHost: " + host
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            return Integer.parseInt(response.substring(9, 12));
        }
    }
}

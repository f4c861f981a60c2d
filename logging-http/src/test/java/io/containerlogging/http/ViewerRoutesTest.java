package io.containerlogging.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.containerlogging.core.LogBackend;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@DisplayName("The web viewer's routes and the stream tickets, over HTTP")
@Timeout(30)
class ViewerRoutesTest {

    static final String TOKEN = "s3cret-token";

    LogBackend backend;
    LogHttpServer server;
    Http http;

    @BeforeEach
    void backend() {
        backend = TestBackend.create();
        backend.log(LogMessage.system("hello", LogLevel.INFO, Instant.ofEpochMilli(1000)));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        backend.close();
    }

    void start(LogHttpServer.Builder builder) {
        server = builder.port(0).build();
        http = new Http(server.port());
    }

    @Nested
    @DisplayName("with the viewer on")
    class On {

        @BeforeEach
        void start() {
            ViewerRoutesTest.this.start(LogHttpServer.builder(backend).viewer(true));
        }

        @Test
        @DisplayName("GET / is the page, with a strict CSP, an ETag and no-cache")
        void page() {
            HttpResponse<String> page = http.get("/");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
            assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
                    .contains("script-src 'self'").contains("default-src 'none'").doesNotContain("unsafe");
            assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
            assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-cache");
            assertThat(page.headers().firstValue("ETag")).isPresent();
            assertThat(page.body()).contains("<script src=\"viewer.js\" defer></script>")
                    .doesNotContain("<script>"); // no inline script: the CSP would refuse it
        }

        @Test
        @DisplayName("the script and style sheet have their content types; the three stay under 100 KB")
        void assets() {
            assertThat(http.get("/viewer.js").headers().firstValue("Content-Type"))
                    .hasValue("text/javascript; charset=utf-8");
            assertThat(http.get("/viewer.css").headers().firstValue("Content-Type"))
                    .hasValue("text/css; charset=utf-8");
            assertThat(new ViewerRoutes().totalBytes()).isLessThan(100 * 1024);
        }

        @Test
        @DisplayName("If-None-Match with the ETag gives 304; HEAD gives the headers; POST gives 405")
        void caching() {
            String etag = http.get("/viewer.js").headers().firstValue("ETag").orElseThrow();
            assertThat(http.get("/viewer.js", "If-None-Match", etag).statusCode()).isEqualTo(304);
            HttpResponse<String> head = http.send(http.request("/").method("HEAD",
                    HttpRequest.BodyPublishers.noBody()).build());
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.body()).isEmpty();
            HttpResponse<String> post = http.send(http.request("/").POST(HttpRequest.BodyPublishers.noBody()).build());
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
        }

        @Test
        @DisplayName("the API is still served beside it, and other paths are still 404")
        void apiBeside() {
            assertThat(http.get("/api/v1/logs/count").body()).isEqualTo("{\"count\":1}");
            assertThat(http.get("/index.html").statusCode()).isEqualTo(404);
        }
    }

    @Test
    @DisplayName("off by default: GET / is a 404")
    void offByDefault() {
        start(LogHttpServer.builder(backend));
        assertThat(http.get("/").statusCode()).isEqualTo(404);
    }

    @Nested
    @DisplayName("stream tickets, with a bearer token")
    class Tickets {

        @BeforeEach
        void start() {
            ViewerRoutesTest.this.start(LogHttpServer.builder(backend).viewer(true).bearerToken(TOKEN));
        }

        String ticket(String query) {
            HttpResponse<String> response = http.send(http.request("/api/v1/stream-tickets?" + query)
                    .header("Authorization", "Bearer " + TOKEN)
                    .POST(HttpRequest.BodyPublishers.noBody()).build());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            return Http.json(response).get("ticket").getAsString();
        }

        int streamStatus(String query) {
            HttpResponse<InputStream> response = http.send(http.request("/api/v1/logs/stream?" + query).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                return response.statusCode();
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        }

        @Test
        @DisplayName("the page is served without the token; the API is not")
        void pageWithoutToken() {
            assertThat(http.get("/").statusCode()).isEqualTo(200);
            assertThat(http.get("/api/v1/logs").statusCode()).isEqualTo(401);
        }

        @Test
        @DisplayName("a ticket needs the token, and opens a stream with its filters, wherever it resumes")
        void ticketOpensItsStream() {
            HttpResponse<String> refused = http.send(http.request("/api/v1/stream-tickets")
                    .POST(HttpRequest.BodyPublishers.noBody()).build());
            assertThat(refused.statusCode()).isEqualTo(401);
            String ticket = ticket("serviceName=web&level=error&level=warn");
            assertThat(ticket).doesNotContain(TOKEN);
            assertThat(streamStatus("level=warn&serviceName=web&level=error&tail=5&ticket=" + ticket))
                    .as("parameters in another order, plus tail").isEqualTo(200);
            assertThat(streamStatus("serviceName=web&level=error&level=warn&afterId=log-1&ticket=" + ticket))
                    .isEqualTo(200);
        }

        @Test
        @DisplayName("a ticket for other filters, a forged one, or none is a 401 naming the ticket")
        void wrongTickets() {
            String ticket = ticket("serviceName=web");
            assertThat(streamStatus("serviceName=db&ticket=" + ticket)).isEqualTo(401);
            assertThat(streamStatus("ticket=" + ticket)).as("a ticket for a narrower view opens no wider one")
                    .isEqualTo(401);
            assertThat(streamStatus("serviceName=web&ticket=" + ticket.substring(0, ticket.length() - 2) + "AA"))
                    .isEqualTo(401);
            assertThat(streamStatus("serviceName=web&ticket=garbage")).isEqualTo(401);
            assertThat(streamStatus("serviceName=web")).isEqualTo(401);
            HttpResponse<String> response = http.get("/api/v1/logs/stream?serviceName=web&ticket=garbage");
            assertThat(Http.json(response).get("parameter").getAsString()).isEqualTo("ticket");
        }

        @Test
        @DisplayName("a ticket opens streams only: the other endpoints still want the token")
        void ticketOnlyForStreams() {
            String ticket = ticket("");
            assertThat(http.get("/api/v1/logs?ticket=" + ticket).statusCode()).isEqualTo(401);
        }

        @Test
        @DisplayName("a ticket request with a bad filter is a 400 naming it")
        void badFilter() {
            HttpResponse<String> response = http.send(http.request("/api/v1/stream-tickets?level=loud")
                    .header("Authorization", "Bearer " + TOKEN)
                    .POST(HttpRequest.BodyPublishers.noBody()).build());
            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(Http.json(response).get("parameter").getAsString()).isEqualTo("level");
        }
    }
}

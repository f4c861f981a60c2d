package io.containerlogging.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.containerlogging.core.LevelSource;
import io.containerlogging.core.LogFields;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.examples.ExampleServerConfig.DockerMode;
import io.containerlogging.testing.DockerTest;
import io.containerlogging.testing.ScratchContainers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The web viewer in a real browser (headless chromium), against the example server with real
 * containers. The example server serves only durable lines (up to about a second after they are
 * written): every wait is an await.
 */
@DockerTest
@Tag("browser")
@Timeout(180)
@DisplayName("The web viewer in a real browser, against the example server and real containers")
class ViewerBrowserTest {

    static Browser browser;

    @TempDir
    Path logDir;

    final ScratchContainers containers = new ScratchContainers();
    final List<ExampleServer> servers = new ArrayList<>();
    final ByteArrayOutputStream console = new ByteArrayOutputStream();

    @BeforeAll
    static void startBrowser() {
        browser = Browser.start();
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @AfterEach
    void stop() {
        servers.forEach(ExampleServer::close);
        containers.close();
    }

    ExampleServer start(int port, String token) throws IOException {
        ExampleServerConfig config = new ExampleServerConfig(port, "127.0.0.1", logDir, 100_000,
                Duration.ofHours(24), DockerMode.REQUIRED, null, token, null, "pi-07");
        ExampleServer server = ExampleServer.start(config, new PrintStream(console, true, StandardCharsets.UTF_8));
        servers.add(server);
        return server;
    }

    static String url(ExampleServer server, String query) {
        return "http://127.0.0.1:" + server.port() + "/" + (query.isEmpty() ? "" : "?" + query);
    }

    String container(String service, String script) {
        String id = containers.create(script, false, Map.of("com.docker.compose.service", service));
        containers.start(id);
        return id;
    }

    void awaitRows(java.util.function.Predicate<List<Map<String, String>>> condition) {
        awaitRows(condition, Duration.ofSeconds(30));
    }

    void awaitRows(java.util.function.Predicate<List<Map<String, String>>> condition, Duration atMost) {
        try {
            await().atMost(atMost).pollInterval(Duration.ofMillis(100)).until(() -> condition.test(browser.rows()));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("the page did not get there; it shows " + browser.rows().size() + " rows "
                    + browser.messages() + ", state '" + browser.text("state") + "', counts '"
                    + browser.text("counts") + "', error '" + browser.text("error") + "', notice '"
                    + browser.text("notice") + "', URL " + browser.js("return location.href;"), e);
        }
    }

    WebElement control(String name) {
        return browser.driver.findElement(By.name(name));
    }

    WebElement checkbox(String name, String value) {
        return browser.driver.findElement(By.cssSelector("input[name='" + name + "'][value='" + value + "']"));
    }

    String query() {
        return (String) browser.js("return location.search;");
    }

    @Test
    @DisplayName("live lines appear; a reopened page shows the newest lines at once (time measured and reported)")
    void liveLines() throws Exception {
        ExampleServer server = start(0, null);
        String id = container("vt-web", "i=0; while [ $i -lt 600 ]; do i=$((i+1)); echo web-line-$i; sleep 0.1; done");
        String view = "containerId=" + id.substring(0, 12);
        browser.open(url(server, view));
        awaitRows(rows -> rows.stream().anyMatch(r -> r.get("message").startsWith("web-line-")));
        // Live: lines written after the page opened arrive without a reload.
        int newest = lineNumber(browser.messages().get(browser.messages().size() - 1));
        awaitRows(rows -> lineNumber(rows.get(rows.size() - 1).get("message")) >= newest + 10);
        assertThat(browser.rows()).allSatisfy(row -> assertThat(row.get("id")).matches("log-\\d+"));
        assertThat(browser.text("state")).isEqualTo("live");

        // Time to first lines: from navigation start to the first rows in the page, as the page
        // itself measures it (performance.now()), over several loads.
        long[] times = new long[7];
        for (int i = 0; i < times.length; i++) {
            browser.open(url(server, view));
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                    .until(() -> browser.js("return document.documentElement.dataset.firstLinesMs || null;") != null);
            times[i] = Long.parseLong((String) browser.js("return document.documentElement.dataset.firstLinesMs;"));
        }
        long[] sorted = times.clone();
        Arrays.sort(sorted);
        System.out.println("viewer time to first lines (ms, navigation start to first rows), 7 loads: "
                + Arrays.toString(times) + ", median " + sorted[3]);
        assertThat(sorted[3]).as("a generous sanity bound, not a benchmark").isLessThan(5_000);
    }

    static int lineNumber(String message) {
        return Integer.parseInt(message.substring(message.lastIndexOf('-') + 1));
    }

    @Test
    @DisplayName("scrolling up pauses and pages older lines in; 'jump to live' follows again")
    void scrollBackAndJumpToLive() throws Exception {
        ExampleServer server = start(0, null);
        String id = container("bulk", "seq 1 3000 | sed 's/^/old-/'; i=0; while true; do i=$((i+1)); echo new-$i; sleep 0.2; done");
        await().atMost(Duration.ofSeconds(30)).until(() -> server.backend().count() > 3000);
        browser.open(url(server, "containerId=" + id.substring(0, 12)));
        awaitRows(rows -> rows.stream().anyMatch(r -> r.get("message").startsWith("new-")));
        int before = browser.shown();
        assertThat(before).as("the stream replays the newest 500 only").isLessThanOrEqualTo(520);

        browser.js("document.getElementById('viewport').scrollTop = 0;");
        awaitRows(rows -> browser.shown() > before);
        assertThat(browser.text("state")).isEqualTo("paused (scrolled up)");
        assertThat(browser.driver.findElement(By.id("live")).isDisplayed()).isTrue();
        // Each page in moves the view down by its height: keep scrolling up to the first line.
        awaitRows(rows -> {
            browser.js("document.getElementById('viewport').scrollTop = 0;");
            return rows.stream().anyMatch(r -> r.get("message").equals("old-1"));
        });
        List<String> top = browser.messages();
        for (int i = 0; i < 20; i++) {
            assertThat(top.get(i)).as("the oldest lines, paged in without gaps").isEqualTo("old-" + (i + 1));
        }
        assertThat(browser.shown()).isGreaterThan(3000);

        browser.driver.findElement(By.id("live")).click();
        assertThat(browser.text("state")).isEqualTo("live");
        awaitRows(rows -> rows.get(rows.size() - 1).get("message").startsWith("new-"));
        assertThat(browser.driver.findElement(By.id("live")).isDisplayed()).isFalse();
    }

    @Test
    @DisplayName("100 000 lines received keep a bounded page: at most 20 000 lines and a few dozen rows")
    void manyLines() throws Exception {
        ExampleServer server = start(0, null);
        String id = containers.create("sleep 2; seq 1 100000 | sed 's/^/bulk-/'; sleep 60", false,
                Map.of("com.docker.compose.service", "vt-bulk"));
        browser.open(url(server, "serviceName=vt-bulk"));
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.text("state").equals("live"));
        containers.start(id);
        awaitRows(rows -> !rows.isEmpty() && rows.get(rows.size() - 1).get("message").equals("bulk-100000"),
                Duration.ofSeconds(90));
        System.out.println("viewer after 100 000 lines: " + browser.text("counts") + "; " + browser.text("notice"));
        assertThat(browser.shown()).isEqualTo(20_000);
        List<String> rendered = browser.messages();
        assertThat(rendered.size()).isLessThan(100);
        for (int i = 0; i < rendered.size(); i++) {
            assertThat(rendered.get(i)).isEqualTo("bulk-" + (100_000 - rendered.size() + 1 + i));
        }
        assertThat(browser.js("return document.getElementById('counts').dataset.repeats;")).isEqualTo("0");
        assertThat((Long) browser.js("return document.querySelectorAll('*').length;")).isLessThan(1_000L);
    }

    @Test
    @DisplayName("each filter narrows the view, and the URL says so")
    void filtersNarrow() throws Exception {
        ExampleServer server = start(0, null);
        // Service names of our own: other tests may run containers on the same engine meanwhile.
        String web = container("vt-web", "for i in $(seq 1 20); do echo web-out-$i; echo web-err-$i >&2; done; sleep 60");
        String db = container("vt-db", "for i in $(seq 1 20); do echo db-out-$i; done; sleep 60");
        browser.open(url(server, ""));
        await().atMost(Duration.ofSeconds(30)).until(() -> browser.shown() >= 60);

        control("serviceName").sendKeys("vt-web", Keys.ENTER);
        awaitRows(rows -> rows.size() == 40 && rows.stream().allMatch(r -> r.get("who").equals("vt-web")));
        assertThat(query()).isEqualTo("?serviceName=vt-web");

        checkbox("level", "error").click();
        awaitRows(rows -> rows.size() == 20 && rows.stream().allMatch(r -> r.get("message").startsWith("web-err-")));
        assertThat(query()).isEqualTo("?serviceName=vt-web&level=error");

        control("serviceName").clear();
        checkbox("level", "error").click();
        control("containerId").sendKeys(db.substring(0, 12), Keys.ENTER);
        awaitRows(rows -> rows.size() == 20 && rows.stream().allMatch(r -> r.get("message").startsWith("db-out-")));
        assertThat(query()).isEqualTo("?containerId=" + db.substring(0, 12));

        control("containerId").clear();
        checkbox("sourceType", "system").click();
        awaitRows(rows -> !rows.isEmpty() && rows.stream().allMatch(r -> r.get("who").equals("system")));
        assertThat(query()).isEqualTo("?sourceType=system");

        checkbox("sourceType", "system").click();
        control("deviceId").sendKeys("another-device", Keys.ENTER);
        awaitRows(List::isEmpty);
        assertThat(query()).isEqualTo("?deviceId=another-device");
        control("deviceId").clear();
        control("deviceId").sendKeys("pi-07", Keys.ENTER);
        await().atMost(Duration.ofSeconds(30)).until(() -> browser.shown() > 60); // more than are rendered

        // search / exclude / regex send the filter language's parameter names. A server without
        // that language answers 400, which the page shows; one with it narrows the view.
        control("deviceId").clear();
        control("containerId").sendKeys(web.substring(0, 12));
        control("search").sendKeys("err-1", Keys.ENTER);
        assertThat(query()).isEqualTo("?containerId=" + web.substring(0, 12) + "&search=err-1");
        await().atMost(Duration.ofSeconds(30)).until(() -> !browser.text("error").isEmpty()
                || browser.messages().equals(List.of("web-err-1", "web-err-10", "web-err-11", "web-err-12",
                        "web-err-13", "web-err-14", "web-err-15", "web-err-16", "web-err-17", "web-err-18",
                        "web-err-19")));
        if (!browser.text("error").isEmpty()) {
            assertThat(browser.text("error")).contains("search").contains("parameter");
            assertThat(browser.text("state")).isEqualTo("filter refused");
        }
        control("exclude").sendKeys("x", Keys.ENTER);
        control("regex").sendKeys("err-1[0-9]$", Keys.ENTER);
        assertThat(query()).contains("&exclude=x").contains("&regex=err-1%5B0-9%5D%24");
    }

    @Test
    @DisplayName("a deep link opens exactly its view, with its controls set")
    void deepLink() throws Exception {
        ExampleServer server = start(0, null);
        container("vt-web", "for i in $(seq 1 10); do echo web-out-$i; echo web-err-$i >&2; done; sleep 60");
        container("vt-db", "for i in $(seq 1 10); do echo db-err-$i >&2; done; sleep 60");
        browser.open(url(server, "serviceName=vt-web&level=error"));
        awaitRows(rows -> rows.size() == 10);
        assertThat(browser.messages()).containsExactly("web-err-1", "web-err-2", "web-err-3", "web-err-4",
                "web-err-5", "web-err-6", "web-err-7", "web-err-8", "web-err-9", "web-err-10");
        assertThat(control("serviceName").getAttribute("value")).isEqualTo("vt-web");
        assertThat(checkbox("level", "error").isSelected()).isTrue();
        assertThat(checkbox("level", "info").isSelected()).isFalse();
        browser.driver.navigate().refresh();
        awaitRows(rows -> rows.size() == 10);
        assertThat(query()).isEqualTo("?serviceName=vt-web&level=error");
    }

    @Test
    @DisplayName("a server restart resumes the live view without gaps or repeats")
    void restartResumes() throws Exception {
        restartResumes(null);
    }

    @Test
    @DisplayName("with a token, a server restart resumes too: the old ticket is refused, a new one is fetched")
    void restartResumesWithToken() throws Exception {
        restartResumes("viewer-restart-token-31");
    }

    void restartResumes(String token) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        ExampleServer first = start(port, token);
        String id = container("ticker", "i=0; while [ $i -lt 80 ]; do i=$((i+1)); echo tick-$i; sleep 0.1; done; sleep 60");
        // Tall enough that all 80 lines are rendered at once (the list renders only what is visible).
        browser.driver.manage().window().setSize(new org.openqa.selenium.Dimension(1400, 2400));
        browser.open(url(first, "containerId=" + id.substring(0, 12)));
        if (token != null) {
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> (Boolean) browser.js("return document.getElementById('token-dialog').open;"));
            browser.driver.findElement(By.id("token")).sendKeys(token, Keys.ENTER);
        }
        awaitRows(rows -> rows.size() >= 15);
        first.close();
        servers.remove(first);
        int shownWhenStopped = browser.rows().size();
        ExampleServer second = start(port, token);
        awaitRows(rows -> rows.size() >= 80, Duration.ofSeconds(60));
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 80; i++) {
            expected.add("tick-" + i);
        }
        assertThat(shownWhenStopped).as("the first server stopped mid-stream").isLessThan(80);
        assertThat(browser.messages()).containsExactlyElementsOf(expected);
        assertThat(browser.js("return document.getElementById('counts').dataset.repeats;"))
                .as("no event delivered twice").isEqualTo("0");
        assertThat(second.port()).isEqualTo(port);
        browser.driver.manage().window().setSize(new org.openqa.selenium.Dimension(1400, 1000));
    }

    @Test
    @DisplayName("HTML and script in a log line are shown as text and never run; ANSI colours become classes")
    void hostileLines() throws Exception {
        ExampleServer server = start(0, null);
        String id = container("evil", "printf '%s\\n' '<img src=x onerror=window.__pwned=1>'"
                + " '<script>window.__pwned=2</script>' '\"><svg onload=window.__pwned=3>';"
                + " printf '\\033[31mred\\033[0m plain \\033[1;32mbold-green\\033[0m\\n'; sleep 60");
        browser.open(url(server, "containerId=" + id.substring(0, 12)));
        awaitRows(rows -> rows.size() == 4);
        assertThat(browser.messages()).containsExactly("<img src=x onerror=window.__pwned=1>",
                "<script>window.__pwned=2</script>", "\"><svg onload=window.__pwned=3>", "red plain bold-green");
        assertThat(browser.js("return window.__pwned === undefined;")).isEqualTo(true);
        assertThat(browser.js("return document.querySelectorAll('#rows img, #rows script, #rows svg').length;"))
                .isEqualTo(0L);
        assertThat(browser.js("return document.querySelector('#rows .ansi-fg-1').textContent;")).isEqualTo("red");
        assertThat(browser.js("return document.querySelector('#rows .ansi-fg-2.ansi-bold').textContent;"))
                .isEqualTo("bold-green");
    }

    @Test
    @DisplayName("with a token: the page asks once, keeps it for the tab, and streams with a ticket, never the token")
    void tokenFlow() throws Exception {
        String token = "viewer-test-token-7c1f";
        ExampleServer server = start(0, token);
        container("vt-secret", "for i in $(seq 1 10); do echo secret-out-$i; done; sleep 60");
        browser.open(url(server, "serviceName=vt-secret"));
        await().atMost(Duration.ofSeconds(10)).until(() -> (Boolean) browser.js("return document.getElementById('token-dialog').open;"));
        assertThat(browser.rows()).isEmpty();

        browser.driver.findElement(By.id("token")).sendKeys("wrong-token", Keys.ENTER);
        await().atMost(Duration.ofSeconds(10)).until(() -> (Boolean) browser.js("return document.getElementById('token-dialog').open;"));

        browser.driver.findElement(By.id("token")).sendKeys(token, Keys.ENTER);
        awaitRows(rows -> rows.size() == 10);
        assertThat(browser.js("return sessionStorage.getItem('container-logging-token');")).isEqualTo(token);
        // An open event stream is not in the resource timing entries (it never completes): the
        // page names its stream URL on the status element.
        String stream = (String) browser.js("return document.getElementById('state').dataset.stream;");
        assertThat(stream).contains("api/v1/logs/stream?serviceName=vt-secret&tail=").contains("&ticket=")
                .doesNotContain(token);
        @SuppressWarnings("unchecked")
        List<String> urls = (List<String>) browser.js("return performance.getEntriesByType('resource').map(e => e.name);");
        assertThat(urls).anyMatch(u -> u.contains("/api/v1/stream-tickets?serviceName=vt-secret"));
        assertThat(urls).noneMatch(u -> u.contains(token));
        assertThat(browser.js("return location.href;").toString()).doesNotContain(token);

        browser.driver.navigate().refresh(); // the same tab: no second question
        awaitRows(rows -> rows.size() == 10);
        assertThat(browser.js("return document.getElementById('token-dialog').open;")).isEqualTo(false);
    }

    @Test
    @DisplayName("parsed fields open in a panel; a screenshot of the viewer with real container logs is taken")
    void fieldsAndScreenshot() throws Exception {
        ExampleServer server = start(0, null);
        container("web", "for i in $(seq 1 12); do echo \"GET /api/items/$i 200 $((i * 7))ms\";"
                + " printf '\\033[33mWARN\\033[0m cache miss for item %s\\n' $i; done; sleep 60");
        container("worker", "for i in $(seq 1 8); do echo \"job $i done in $((i * 13))ms\"; done;"
                + " echo 'java.lang.IllegalStateException: queue closed' >&2; sleep 60");
        server.backend().log(LogMessage.builder()
                .message("{\"level\":\"error\",\"msg\":\"payment failed\",\"order\":{\"id\":4711},\"retry\":false}")
                .timestamp(Instant.now())
                .level(LogLevel.ERROR)
                .levelSource(LevelSource.JSON)
                .serviceName("payments")
                .fields(LogFields.of(Map.of("msg", "payment failed", "order.id", 4711, "retry", false)))
                .build());
        browser.open(url(server, "serviceName=payments"));
        awaitRows(rows -> rows.size() == 1 && rows.get(0).get("message").contains("payment failed"));
        browser.driver.findElement(By.cssSelector("#rows .row button.f")).click();
        await().atMost(Duration.ofSeconds(5)).until(() -> !browser.text("details").isEmpty());
        assertThat(browser.text("details")).contains("field order.id").contains("4711").contains("from json");

        // The picture: everything, with the fields panel open. Other tests' containers on the same
        // engine may crowd in, so this waits for ours without failing the test.
        browser.open(url(server, ""));
        try {
            awaitRows(rows -> rows.stream().anyMatch(r -> r.get("message").contains("queue closed"))
                    && rows.stream().anyMatch(r -> r.get("message").contains("payment failed")));
            browser.driver.findElement(By.cssSelector("#rows .row button.f")).click();
        } catch (AssertionError | org.openqa.selenium.NoSuchElementException e) {
            System.out.println("viewer screenshot taken without waiting for all lines: " + e.getMessage());
        }
        browser.screenshot(Path.of("target", "viewer.png"));
        String docs = System.getProperty("viewer.screenshot");
        if (docs != null) {
            browser.screenshot(Path.of(docs)); // -Dviewer.screenshot=../docs/viewer.png refreshes the README's picture
        }
    }
}

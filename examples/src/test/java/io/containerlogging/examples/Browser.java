package io.containerlogging.examples;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless chromium driven through Debian's chromedriver: Selenium's own driver download
 * cannot work offline, so both paths are given. Skips the test when either is missing, unless
 * {@code -Dbrowser.required=true} (set by {@code .ci/run}) makes that a failure.
 */
final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    final ChromeDriver driver;

    private Browser(ChromeDriver driver) {
        this.driver = driver;
    }

    static Browser start() {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!present) {
            String why = "no " + CHROMIUM + " or " + CHROMEDRIVER + " (apt-get install chromium chromium-driver)";
            if (Boolean.getBoolean("browser.required")) {
                throw new AssertionError("browser.required=true but " + why);
            }
            Assumptions.abort("browser tests skipped: " + why);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // --no-sandbox: CI runs as root, where chromium's sandbox refuses to start.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1400,1000", "--lang=en-US");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
        return new Browser(driver);
    }

    void open(String url) {
        driver.get(url);
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** The rendered rows, top to bottom: id, level, who, message (the text a user sees). */
    @SuppressWarnings("unchecked")
    List<Map<String, String>> rows() {
        return (List<Map<String, String>>) js("return [...document.querySelectorAll('#rows .row')].map(r => ({"
                + "id: r.dataset.logId, level: r.querySelector('.l').textContent,"
                + "who: r.querySelector('.s').textContent, message: r.querySelector('.m').textContent}));");
    }

    List<String> messages() {
        return rows().stream().map(row -> row.get("message")).toList();
    }

    /** How many lines the page holds (rendered or not). */
    int shown() {
        return Integer.parseInt((String) js("return document.getElementById('counts').dataset.shown || '0';"));
    }

    String text(String id) {
        return (String) js("const e = document.getElementById(arguments[0]); return e.hidden ? '' : e.textContent;", id);
    }

    void screenshot(Path file) throws java.io.IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    }

    @Override
    public void close() {
        driver.quit();
    }
}

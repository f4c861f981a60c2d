package io.containerlogging.examples;

import io.containerlogging.local.LocalLogBackend;
import io.containerlogging.local.RetentionPolicy;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The example server's settings, read from environment variables.
 *
 * <table>
 * <caption>Environment variables</caption>
 * <tr><th>variable</th><th>default</th><th>meaning</th></tr>
 * <tr><td>PORT</td><td>3000</td><td>TCP port; 0 picks a free one</td></tr>
 * <tr><td>HOST</td><td>127.0.0.1</td><td>address to bind; 0.0.0.0 for all interfaces</td></tr>
 * <tr><td>LOG_DIR</td><td>./data/logs</td><td>where log files go (file persistence is on)</td></tr>
 * <tr><td>MAX_LOGS</td><td>10000</td><td>messages kept in memory</td></tr>
 * <tr><td>LOG_MAX_AGE</td><td>24h</td><td>retention: {@code 90s}, {@code 30m}, {@code 24h}, {@code 7d},
 *     milliseconds, or ISO-8601 ({@code PT24H})</td></tr>
 * <tr><td>USE_REAL_DOCKER</td><td>unset</td><td>{@code true}: Docker must be reachable or the server exits;
 *     {@code false}: no Docker; unset: Docker when reachable</td></tr>
 * <tr><td>DOCKER_HOST</td><td>unix:///var/run/docker.sock</td><td>as Docker defines it</td></tr>
 * <tr><td>LOG_API_TOKEN</td><td>unset</td><td>if set, every request needs {@code Authorization: Bearer <token>};
 *     visible ASCII without spaces. Unset, only loopback {@code Host} names (and ALLOWED_HOSTS) are served</td></tr>
 * <tr><td>ALLOWED_HOSTS</td><td>unset</td><td>without a token: host names served besides loopback ones,
 *     comma-separated (e.g. the machine's name when HOST=0.0.0.0)</td></tr>
 * <tr><td>TLS_KEYSTORE</td><td>unset</td><td>a PKCS#12 keystore with the server's key and certificate: serve
 *     HTTPS instead of HTTP</td></tr>
 * <tr><td>TLS_KEYSTORE_PASSWORD</td><td>unset</td><td>the keystore's password (required with TLS_KEYSTORE)</td></tr>
 * <tr><td>LOG_BACKEND</td><td>local</td><td>{@code local} (memory and files) or {@code opensearch}</td></tr>
 * <tr><td>OPENSEARCH_URL</td><td>unset</td><td>with {@code LOG_BACKEND=opensearch}, required: the node URL(s),
 *     comma-separated</td></tr>
 * <tr><td>OPENSEARCH_INDEX_PREFIX</td><td>container-logs</td><td>prefix of the daily indices</td></tr>
 * <tr><td>OPENSEARCH_USERNAME, OPENSEARCH_PASSWORD</td><td>unset</td><td>basic authentication, both or neither</td></tr>
 * <tr><td>DEVICE_ID</td><td>unset</td><td>stamped on every message this server stores</td></tr>
 * <tr><td>LOG_MAX_FILE_SIZE</td><td>10MB</td><td>local backend: size at which a new log file is started;
 *     {@code 500KB}, {@code 10MB}, {@code 1GB} (multiples of 1024, as Docker's {@code max-size}) or bytes</td></tr>
 * <tr><td>LOG_MAX_TOTAL_SIZE</td><td>unlimited</td><td>local backend: disk budget of all log files, e.g.
 *     {@code 200MB}; the oldest files go first; at least twice LOG_MAX_FILE_SIZE</td></tr>
 * <tr><td>LOG_RETENTION</td><td>unset</td><td>local backend: ages per service and level on top of LOG_MAX_AGE,
 *     e.g. {@code web=1h,db=7d,*@warn=7d} (see {@link RetentionPolicy#parse(String)})</td></tr>
 * <tr><td>LOG_AUDIT</td><td>on</td><td>{@code on}: with {@code LOG_BACKEND=local}, every API request is
 *     logged to an audit trail in {@code LOG_DIR/audit}, served at {@code /audit/api/v1/logs}; {@code off}: none</td></tr>
 * <tr><td>LOG_METRICS</td><td>on</td><td>{@code on}: Prometheus metrics at {@code GET /metrics} (same token
 *     and Host rules as the API); {@code off}: none</td></tr>
 * <tr><td>FORWARD_TO</td><td>unset</td><td>local backend: forward the stored logs to syslog, Kafka,
 *     OpenSearch or webhooks, each from its own cursor in {@code LOG_DIR/forwarders}; comma-separated URIs
 *     (see {@link ForwardSettings})</td></tr>
 * <tr><td>LOG_FIELDS, LOG_LEVELS, LOG_MULTILINE, LOG_MULTILINE_TIMEOUT, LOG_REDACT, LOG_REDACT_RULE_*</td>
 *     <td>see {@link StructureSettings}</td><td>parsing, levels, multiline grouping, redaction</td></tr>
 * </table>
 *
 * @param port the port to listen on
 * @param host the address to bind
 * @param logDir the directory of the log files
 * @param maxLogs messages kept in memory
 * @param maxAge how long messages are kept
 * @param docker whether to use Docker
 * @param dockerHost the engine's address as {@code DOCKER_HOST} gives it, or null for Docker's default
 * @param apiToken the bearer token, or null for none
 * @param openSearch where to store logs in OpenSearch, or null to store them locally
 * @param deviceId the device id stamped on stored messages, or null for none
 * @param allowedHosts host names served besides loopback ones when there is no token
 * @param tls the keystore to serve HTTPS with, or null for plain HTTP
 * @param storage the local backend's file sizes and retention
 * @param structure parsing, levels, multiline grouping and redaction of container lines
 * @param operations the audit trail and the metrics endpoint ({@code LOG_AUDIT}, {@code LOG_METRICS})
 * @param forwarding where stored logs are forwarded ({@code FORWARD_TO})
 */
public record ExampleServerConfig(
        int port, String host, Path logDir, int maxLogs, Duration maxAge, DockerMode docker,
        String dockerHost, String apiToken, OpenSearch openSearch, String deviceId, List<String> allowedHosts,
        Tls tls, Storage storage, StructureSettings structure, Operations operations, ForwardSettings forwarding) {

    /**
     * The operations endpoints ({@code LOG_AUDIT}, {@code LOG_METRICS}).
     *
     * @param audit whether API requests are logged to an audit trail (local backend only)
     * @param metrics whether {@code GET /metrics} is served
     */
    public record Operations(boolean audit, boolean metrics) {
        /** Both on. */
        public static final Operations DEFAULT = new Operations(true, true);
    }

    /**
     * The local backend's storage settings ({@code LOG_MAX_FILE_SIZE}, {@code LOG_MAX_TOTAL_SIZE},
     * {@code LOG_RETENTION}).
     *
     * @param maxFileSize bytes at which a new file is started
     * @param maxTotalSize the disk budget in bytes, {@link Long#MAX_VALUE} for none
     * @param retention ages per service and level
     */
    public record Storage(long maxFileSize, long maxTotalSize, RetentionPolicy retention) {
        /** The library's defaults: 10 MiB files, no budget, no rules. */
        public static final Storage DEFAULT = new Storage(LocalLogBackend.DEFAULT_MAX_FILE_SIZE,
                LocalLogBackend.DEFAULT_MAX_TOTAL_SIZE, RetentionPolicy.NONE);

        public Storage {
            Objects.requireNonNull(retention, "retention");
        }
    }

    /**
     * HTTPS settings ({@code TLS_KEYSTORE}, {@code TLS_KEYSTORE_PASSWORD}).
     *
     * @param keystore a PKCS#12 file holding the server's private key and certificate chain
     * @param password its password (also the key's)
     */
    public record Tls(Path keystore, String password) {
        public Tls {
            Objects.requireNonNull(keystore, "keystore");
            Objects.requireNonNull(password, "password");
        }

        @Override
        public String toString() { // never print the password
            return "Tls[keystore=" + keystore + "]";
        }
    }

    /**
     * The OpenSearch settings ({@code LOG_BACKEND=opensearch}).
     *
     * @param urls the node URLs, at least one
     * @param indexPrefix the prefix of the daily indices
     * @param username basic-auth user, or null
     * @param password basic-auth password, or null
     */
    public record OpenSearch(List<URI> urls, String indexPrefix, String username, String password) {
        public OpenSearch {
            urls = List.copyOf(urls);
            Objects.requireNonNull(indexPrefix, "indexPrefix");
        }

        @Override
        public String toString() { // never print the password
            return "OpenSearch[urls=" + urls + ", indexPrefix=" + indexPrefix + ", username=" + username + "]";
        }
    }

    /** Whether the server uses Docker. */
    public enum DockerMode {
        /** {@code USE_REAL_DOCKER=true}: connect or exit. */
        REQUIRED,
        /** {@code USE_REAL_DOCKER=false}: run without Docker. */
        DISABLED,
        /** Unset: use Docker when it answers, otherwise run without it and say so. */
        IF_REACHABLE
    }

    public static final int DEFAULT_PORT = 3000;
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final Path DEFAULT_LOG_DIR = Path.of("./data/logs");
    public static final int DEFAULT_MAX_LOGS = 10_000;
    public static final Duration DEFAULT_MAX_AGE = Duration.ofHours(24);
    public static final String DEFAULT_INDEX_PREFIX = "container-logs";

    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)?");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,19})\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?",
            Pattern.CASE_INSENSITIVE);

    public ExampleServerConfig {
        allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
        storage = storage == null ? Storage.DEFAULT : storage;
        structure = structure == null ? StructureSettings.DEFAULT : structure;
        operations = operations == null ? Operations.DEFAULT : operations;
        forwarding = forwarding == null ? ForwardSettings.NONE : forwarding;
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(logDir, "logDir");
        Objects.requireNonNull(maxAge, "maxAge");
        Objects.requireNonNull(docker, "docker");
    }

    /** Settings without forwarding. */
    public ExampleServerConfig(int port, String host, Path logDir, int maxLogs, Duration maxAge, DockerMode docker,
            String dockerHost, String apiToken, OpenSearch openSearch, String deviceId, List<String> allowedHosts,
            Tls tls, Storage storage, StructureSettings structure, Operations operations) {
        this(port, host, logDir, maxLogs, maxAge, docker, dockerHost, apiToken, openSearch, deviceId, allowedHosts, tls,
                storage, structure, operations, ForwardSettings.NONE);
    }

    /** Settings with the default operations endpoints (audit and metrics on). */
    public ExampleServerConfig(int port, String host, Path logDir, int maxLogs, Duration maxAge, DockerMode docker,
            String dockerHost, String apiToken, OpenSearch openSearch, String deviceId, List<String> allowedHosts,
            Tls tls, Storage storage, StructureSettings structure) {
        this(port, host, logDir, maxLogs, maxAge, docker, dockerHost, apiToken, openSearch, deviceId, allowedHosts, tls,
                storage, structure, Operations.DEFAULT);
    }

    /** Settings with the default storage and structure settings. */
    public ExampleServerConfig(int port, String host, Path logDir, int maxLogs, Duration maxAge, DockerMode docker,
            String dockerHost, String apiToken, OpenSearch openSearch, String deviceId, List<String> allowedHosts,
            Tls tls) {
        this(port, host, logDir, maxLogs, maxAge, docker, dockerHost, apiToken, openSearch, deviceId, allowedHosts, tls,
                Storage.DEFAULT, StructureSettings.DEFAULT);
    }

    /** Settings without extra allowed hosts, over plain HTTP. */
    public ExampleServerConfig(int port, String host, Path logDir, int maxLogs, Duration maxAge, DockerMode docker,
            String dockerHost, String apiToken, OpenSearch openSearch, String deviceId) {
        this(port, host, logDir, maxLogs, maxAge, docker, dockerHost, apiToken, openSearch, deviceId, List.of(), null);
    }

    /** Settings for the local backend, without a device id. */
    public ExampleServerConfig(int port, String host, Path logDir, int maxLogs, Duration maxAge, DockerMode docker,
            String dockerHost, String apiToken) {
        this(port, host, logDir, maxLogs, maxAge, docker, dockerHost, apiToken, null, null);
    }

    /**
     * Reads the settings from {@code env} (normally {@code System.getenv()}).
     *
     * @throws IllegalArgumentException naming the variable and quoting its value if one is invalid
     */
    public static ExampleServerConfig fromEnvironment(Map<String, String> env) {
        int port = integer(env, "PORT", DEFAULT_PORT, 0, 65_535);
        String host = text(env, "HOST", DEFAULT_HOST);
        String logDirText = text(env, "LOG_DIR", DEFAULT_LOG_DIR.toString());
        Path logDir;
        try {
            logDir = Path.of(logDirText);
        } catch (RuntimeException e) {
            throw invalid("LOG_DIR", logDirText, "not a path");
        }
        int maxLogs = integer(env, "MAX_LOGS", DEFAULT_MAX_LOGS, 1, Integer.MAX_VALUE);
        Duration maxAge = duration(env, "LOG_MAX_AGE", DEFAULT_MAX_AGE);
        DockerMode docker = dockerMode(env.get("USE_REAL_DOCKER"));
        String dockerHost = env.get("DOCKER_HOST");
        if (dockerHost != null && dockerHost.isBlank()) {
            dockerHost = null; // as Docker itself treats an empty DOCKER_HOST
        }
        String token = env.get("LOG_API_TOKEN");
        if (token != null && token.isBlank()) {
            throw invalid("LOG_API_TOKEN", token, "must not be blank when set");
        }
        if (token != null && !io.containerlogging.http.LogHttpHandler.Builder.isValidToken(token)) {
            // Not quoted: it is a secret, and it may be nearly right.
            throw new IllegalArgumentException("invalid LOG_API_TOKEN: must be visible ASCII characters only, without"
                    + " spaces or control characters (value not shown)");
        }
        List<String> allowedHosts = new ArrayList<>();
        String hostsText = env.get("ALLOWED_HOSTS");
        if (hostsText != null && !hostsText.isBlank()) {
            for (String name : hostsText.split(",")) {
                String trimmed = name.trim();
                if (trimmed.isEmpty() || trimmed.chars().anyMatch(c -> c < 0x21 || c > 0x7e || c == '/')) {
                    throw invalid("ALLOWED_HOSTS", hostsText, "expected host names separated by commas");
                }
                allowedHosts.add(trimmed);
            }
        }
        Tls tls = tls(env);
        OpenSearch openSearch = openSearch(env);
        String deviceId = env.get("DEVICE_ID") == null || env.get("DEVICE_ID").isEmpty() ? null
                : text(env, "DEVICE_ID", null);
        Storage storage = storage(env, openSearch != null);
        StructureSettings structure = StructureSettings.fromEnvironment(env,
                duration(env, "LOG_MULTILINE_TIMEOUT", StructureSettings.DEFAULT.flushTimeout()));
        Operations operations = new Operations(onOff(env, "LOG_AUDIT"), onOff(env, "LOG_METRICS"));
        ForwardSettings forwarding = ForwardSettings.fromEnvironment(env);
        if (openSearch != null && !forwarding.targets().isEmpty()) {
            throw invalid("FORWARD_TO", env.get("FORWARD_TO"), "forwarding reads the local backend's files:"
                    + " it needs LOG_BACKEND=local");
        }
        return new ExampleServerConfig(port, host, logDir, maxLogs, maxAge, docker, dockerHost, token, openSearch,
                deviceId, allowedHosts, tls, storage, structure, operations, forwarding);
    }

    private static Storage storage(Map<String, String> env, boolean openSearch) {
        if (openSearch) {
            for (String name : List.of("LOG_MAX_FILE_SIZE", "LOG_MAX_TOTAL_SIZE", "LOG_RETENTION")) {
                if (env.get(name) != null && !env.get(name).isEmpty()) {
                    throw invalid(name, env.get(name), "applies to LOG_BACKEND=local only");
                }
            }
            return Storage.DEFAULT;
        }
        long fileSize = size(env, "LOG_MAX_FILE_SIZE", LocalLogBackend.DEFAULT_MAX_FILE_SIZE);
        long totalSize = size(env, "LOG_MAX_TOTAL_SIZE", LocalLogBackend.DEFAULT_MAX_TOTAL_SIZE);
        if (totalSize != LocalLogBackend.DEFAULT_MAX_TOTAL_SIZE && totalSize / 2 < fileSize) {
            throw invalid("LOG_MAX_TOTAL_SIZE", env.get("LOG_MAX_TOTAL_SIZE"), "must be at least twice LOG_MAX_FILE_SIZE ("
                    + fileSize + " bytes): the file being written counts too");
        }
        String rules = env.get("LOG_RETENTION");
        RetentionPolicy retention;
        try {
            retention = rules == null ? RetentionPolicy.NONE : RetentionPolicy.parse(rules);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw invalid("LOG_RETENTION", rules, e.getMessage() + "; e.g. web=1h,db=7d,*@warn=7d");
        }
        return new Storage(fileSize, totalSize, retention);
    }

    /**
     * A size in bytes: digits, optionally followed by {@code B}, {@code K}/{@code KB}/{@code KiB},
     * {@code M}/{@code MB}/{@code MiB} or {@code G}/{@code GB}/{@code GiB} (any case), each a
     * multiple of 1024 as in Docker's {@code max-size}.
     */
    private static long size(Map<String, String> env, String name, long fallback) {
        String value = env.get(name);
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        Matcher m = SIZE.matcher(value.trim());
        if (!m.matches()) {
            throw invalid(name, value, "not a size (e.g. 500KB, 10MB, 1GB, or bytes)");
        }
        String unit = m.group(2) == null ? "" : m.group(2).toLowerCase(Locale.ROOT);
        int shift = unit.isEmpty() || unit.equals("b") ? 0 : unit.startsWith("k") ? 10 : unit.startsWith("m") ? 20 : 30;
        long amount;
        try {
            amount = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw invalid(name, value, "too large");
        }
        if (amount > (Long.MAX_VALUE >> shift) - 1) {
            throw invalid(name, value, "too large");
        }
        if (amount == 0) {
            throw invalid(name, value, "must be positive");
        }
        return amount << shift;
    }

    /** This configuration on another port (tests use port 0). */
    public ExampleServerConfig withPort(int port) {
        return new ExampleServerConfig(port, host, logDir, maxLogs, maxAge, docker, dockerHost, apiToken,
                openSearch, deviceId, allowedHosts, tls, storage, structure, operations, forwarding);
    }

    /** This configuration serving HTTPS with {@code tls} (null: plain HTTP). */
    public ExampleServerConfig withTls(Tls tls) {
        return new ExampleServerConfig(port, host, logDir, maxLogs, maxAge, docker, dockerHost, apiToken,
                openSearch, deviceId, allowedHosts, tls, storage, structure, operations, forwarding);
    }

    /** This configuration with {@code token} required (null: none). */
    public ExampleServerConfig withApiToken(String token) {
        return new ExampleServerConfig(port, host, logDir, maxLogs, maxAge, docker, dockerHost, token,
                openSearch, deviceId, allowedHosts, tls, storage, structure, operations, forwarding);
    }

    private static Tls tls(Map<String, String> env) {
        String keystore = env.get("TLS_KEYSTORE");
        String password = env.get("TLS_KEYSTORE_PASSWORD");
        if (keystore == null || keystore.isEmpty()) {
            if (password != null && !password.isEmpty()) {
                throw new IllegalArgumentException("invalid TLS_KEYSTORE_PASSWORD: set without TLS_KEYSTORE");
            }
            return null;
        }
        if (password == null) {
            throw new IllegalArgumentException("invalid TLS_KEYSTORE_PASSWORD: required with TLS_KEYSTORE"
                    + " (an empty value for a keystore without password)");
        }
        try {
            return new Tls(Path.of(keystore.trim()), password);
        } catch (RuntimeException e) {
            throw invalid("TLS_KEYSTORE", keystore, "not a path");
        }
    }

    private static OpenSearch openSearch(Map<String, String> env) {
        String backend = text(env, "LOG_BACKEND", "local").toLowerCase(Locale.ROOT);
        if (backend.equals("local")) {
            return null;
        }
        if (!backend.equals("opensearch")) {
            throw invalid("LOG_BACKEND", env.get("LOG_BACKEND"), "must be local or opensearch");
        }
        String urlText = env.get("OPENSEARCH_URL");
        if (urlText == null || urlText.isBlank()) {
            throw invalid("OPENSEARCH_URL", urlText == null ? "" : urlText,
                    "required with LOG_BACKEND=opensearch, e.g. http://localhost:9200");
        }
        List<URI> urls = new ArrayList<>();
        for (String part : urlText.split(",")) {
            URI uri;
            try {
                uri = URI.create(part.trim());
            } catch (IllegalArgumentException e) {
                throw invalid("OPENSEARCH_URL", urlText, "not a URL: '" + part.trim() + "'");
            }
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw invalid("OPENSEARCH_URL", urlText, "expected http(s)://host:port, got '" + part.trim() + "'");
            }
            urls.add(uri);
        }
        String prefix = text(env, "OPENSEARCH_INDEX_PREFIX", DEFAULT_INDEX_PREFIX);
        String username = env.get("OPENSEARCH_USERNAME");
        String password = env.get("OPENSEARCH_PASSWORD");
        if ((username == null || username.isEmpty()) != (password == null || password.isEmpty())) {
            throw invalid(username == null || username.isEmpty() ? "OPENSEARCH_USERNAME" : "OPENSEARCH_PASSWORD",
                    "", "OPENSEARCH_USERNAME and OPENSEARCH_PASSWORD go together");
        }
        return new OpenSearch(urls, prefix, username == null || username.isEmpty() ? null : username,
                password == null || password.isEmpty() ? null : password);
    }

    /** The variable's value trimmed, or {@code fallback} when unset or empty; blank is refused. */
    static String text(Map<String, String> env, String name, String fallback) {
        String value = env.get(name);
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        if (value.isBlank()) {
            throw invalid(name, value, "must not be blank");
        }
        return value.trim();
    }

    private static int integer(Map<String, String> env, String name, int fallback, int min, int max) {
        String value = env.get(name);
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed < min || parsed > max) {
                throw invalid(name, value, "must be between " + min + " and " + max);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw invalid(name, value, "not a whole number");
        }
    }

    static Duration duration(Map<String, String> env, String name, Duration fallback) {
        String value = env.get(name);
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        String trimmed = value.trim().toLowerCase(Locale.ROOT);
        Duration parsed;
        Matcher m = SIMPLE_DURATION.matcher(trimmed);
        try {
            if (m.matches()) {
                long amount = Long.parseLong(m.group(1));
                String unit = m.group(2) == null ? "ms" : m.group(2);
                switch (unit) {
                    case "ms":
                        parsed = Duration.ofMillis(amount);
                        break;
                    case "s":
                        parsed = Duration.ofSeconds(amount);
                        break;
                    case "m":
                        parsed = Duration.ofMinutes(amount);
                        break;
                    case "h":
                        parsed = Duration.ofHours(amount);
                        break;
                    default:
                        parsed = Duration.ofDays(amount);
                }
            } else {
                parsed = Duration.parse(value.trim());
            }
        } catch (NumberFormatException | ArithmeticException | DateTimeParseException e) {
            throw invalid(name, value, "not a duration (e.g. 90s, 30m, 24h, 7d, 86400000, PT24H)");
        }
        if (parsed.isZero() || parsed.isNegative()) {
            throw invalid(name, value, "must be positive");
        }
        return parsed;
    }

    /** {@code on} (the default, also when unset or empty) or {@code off}, in any case. */
    private static boolean onOff(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isEmpty()) {
            return true;
        }
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "on":
                return true;
            case "off":
                return false;
            default:
                throw invalid(name, value, "must be on or off");
        }
    }

    /** This configuration with the audit trail and metrics endpoint set as in {@code operations}. */
    public ExampleServerConfig withOperations(Operations operations) {
        return new ExampleServerConfig(port, host, logDir, maxLogs, maxAge, docker, dockerHost, apiToken,
                openSearch, deviceId, allowedHosts, tls, storage, structure, operations, forwarding);
    }

    private static DockerMode dockerMode(String value) {
        if (value == null || value.isEmpty()) {
            return DockerMode.IF_REACHABLE;
        }
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true":
                return DockerMode.REQUIRED;
            case "false":
                return DockerMode.DISABLED;
            default:
                throw invalid("USE_REAL_DOCKER", value, "must be true or false (or unset)");
        }
    }

    /** The error for a bad variable: names it and quotes its value (the server exits 2 with it). */
    static IllegalArgumentException invalid(String name, String value, String why) {
        return new IllegalArgumentException("invalid " + name + "='" + value + "': " + why);
    }
}

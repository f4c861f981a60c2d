package io.containerlogging.examples;

import io.containerlogging.core.LogQuery;
import io.containerlogging.forward.Forwarder;
import io.containerlogging.http.FilterParameters;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the example server forwards its logs ({@code FORWARD_TO}): comma-separated URIs, each
 * optionally followed by a {@code ?}-query. Schemes:
 * <ul>
 * <li>{@code syslog+tcp://host:port}, {@code syslog+tls://host:port}</li>
 * <li>{@code kafka://host:port/topic}</li>
 * <li>{@code opensearch+http://host:port}, {@code opensearch+https://host:port}</li>
 * <li>{@code webhook+http://host:port/path}, {@code webhook+https://host:port/path}</li>
 * </ul>
 * The query may hold the REST API's filter parameters ({@code serviceName}, {@code level},
 * {@code search}, {@code exclude}, {@code regex}, {@code field.<path>}, ...), which choose what is
 * forwarded; {@code name=} (the forwarder's name, which names its cursor in
 * {@code LOG_DIR/forwarders}; by default made of scheme, host, port and path);
 * {@code batch=} (messages per delivery, default 500); {@code rate=N/interval} (at most N
 * deliveries per interval, e.g. {@code rate=6/1m}; held-back messages go in the next delivery).
 * Other parameters belong to the sink. A comma inside a URI must be written {@code %2C}, unless
 * what follows it is not the start of another URI (as in {@code kafka://h1:9092,h2:9092/topic}).
 * Example: {@code FORWARD_TO=syslog+tcp://logs:601,webhook+https://hooks.example/alert?serviceName=web&level=error&rate=6/1m}.
 *
 * @param targets the forwarders to run, in order; empty when unset
 */
public record ForwardSettings(List<Target> targets) {

    /** No forwarding. */
    public static final ForwardSettings NONE = new ForwardSettings(List.of());

    /** The schemes FORWARD_TO understands. */
    public static final Set<String> SCHEMES = Set.of("syslog+tcp", "syslog+tls", "kafka", "opensearch+http",
            "opensearch+https", "webhook+http", "webhook+https");

    private static final Pattern NEXT_URI = Pattern.compile(",\\s*(?=[A-Za-z][A-Za-z0-9+.-]*://)");
    private static final Pattern RATE = Pattern.compile("(\\d{1,6})/(.+)");
    private static final Set<String> FORWARDER_PARAMETERS = Set.of("name", "batch", "rate");

    public ForwardSettings {
        targets = List.copyOf(targets);
    }

    /**
     * One forwarder.
     *
     * @param name its name, naming its cursor file
     * @param sink the sink's URI, without the forwarder's and filter parameters
     * @param filter what is forwarded; {@link LogQuery#all()} for everything
     * @param batchSize messages per delivery at most
     * @param maxDeliveries at most this many deliveries per {@code per}; 0 for no limit
     * @param per the rate limit's interval, or null without a limit
     */
    public record Target(String name, URI sink, LogQuery filter, int batchSize, int maxDeliveries, Duration per) {
        public Target {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(sink, "sink");
            Objects.requireNonNull(filter, "filter");
        }

        /** The scheme, lower case: which sink. */
        public String scheme() {
            return sink.getScheme().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Reads {@code FORWARD_TO}.
     *
     * @throws IllegalArgumentException naming FORWARD_TO and quoting the bad URI
     */
    static ForwardSettings fromEnvironment(Map<String, String> env) {
        String value = env.get("FORWARD_TO");
        if (value == null || value.isBlank()) {
            return NONE;
        }
        List<Target> targets = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (String text : NEXT_URI.split(value.trim())) {
            Target target = target(text.trim());
            if (!names.add(target.name())) {
                throw ExampleServerConfig.invalid("FORWARD_TO", redact(text), "two forwarders named '" + target.name()
                        + "': give one a name=... parameter (names keep each forwarder's cursor)");
            }
            targets.add(target);
        }
        return new ForwardSettings(targets);
    }

    private static Target target(String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw ExampleServerConfig.invalid("FORWARD_TO", redact(text), "not a URI: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!SCHEMES.contains(scheme)) {
            throw ExampleServerConfig.invalid("FORWARD_TO", redact(text), "unknown scheme '" + scheme + "'; expected one of "
                    + String.join(", ", new java.util.TreeSet<>(SCHEMES)));
        }
        if (uri.getRawAuthority() == null || uri.getRawAuthority().isEmpty()) {
            throw ExampleServerConfig.invalid("FORWARD_TO", redact(text), "no host:port");
        }
        List<String> filter = new ArrayList<>();
        List<String> sink = new ArrayList<>();
        String name = null;
        int batch = Forwarder.DEFAULT_BATCH_SIZE;
        int maxDeliveries = 0;
        Duration per = null;
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int equals = pair.indexOf('=');
                String key = decode(equals < 0 ? pair : pair.substring(0, equals));
                String raw = equals < 0 ? "" : pair.substring(equals + 1);
                if (FilterParameters.isFilter(key)) {
                    filter.add(pair);
                } else if (FORWARDER_PARAMETERS.contains(key)) {
                    String decoded = decode(raw);
                    switch (key) {
                        case "name" -> name = decoded;
                        case "batch" -> batch = batch(text, decoded);
                        default -> {
                            Matcher m = RATE.matcher(decoded);
                            if (!m.matches() || Integer.parseInt(m.group(1)) < 1) {
                                throw ExampleServerConfig.invalid("FORWARD_TO", redact(text),
                                        "rate must be N/interval with N >= 1, e.g. rate=6/1m; was '" + decoded + "'");
                            }
                            maxDeliveries = Integer.parseInt(m.group(1));
                            try {
                                per = ExampleServerConfig.duration(Map.of("rate", m.group(2)), "rate", null);
                            } catch (IllegalArgumentException e) {
                                throw ExampleServerConfig.invalid("FORWARD_TO", redact(text), "rate: " + e.getMessage());
                            }
                        }
                    }
                } else {
                    sink.add(pair);
                }
            }
        }
        LogQuery query;
        try {
            query = FilterParameters.parse(String.join("&", filter));
        } catch (IllegalArgumentException e) {
            throw ExampleServerConfig.invalid("FORWARD_TO", redact(text), e.getMessage());
        }
        if (query.afterId() != null) {
            throw ExampleServerConfig.invalid("FORWARD_TO", redact(text), "afterId is not a filter here: the forwarder's"
                    + " cursor says where it is");
        }
        URI sinkUri;
        try {
            sinkUri = new URI(uri.getScheme() + "://" + uri.getRawAuthority()
                    + (uri.getRawPath() == null ? "" : uri.getRawPath())
                    + (sink.isEmpty() ? "" : "?" + String.join("&", sink)));
        } catch (URISyntaxException e) {
            throw ExampleServerConfig.invalid("FORWARD_TO", redact(text), "not a URI: " + e.getReason());
        }
        if (name == null) {
            name = defaultName(uri);
        }
        try {
            Forwarder.Builder.checkName(name);
        } catch (IllegalArgumentException e) {
            throw ExampleServerConfig.invalid("FORWARD_TO", redact(text), e.getMessage());
        }
        return new Target(name, sinkUri, query, batch, maxDeliveries, per);
    }

    private static int batch(String text, String value) {
        try {
            int batch = Integer.parseInt(value);
            if (batch >= 1 && batch <= 100_000) {
                return batch;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw ExampleServerConfig.invalid("FORWARD_TO", redact(text), "batch must be 1..100000, was '" + value + "'");
    }

    /** scheme, host, port and path, as a file name: {@code webhook-https-hooks.example-443-alert}. */
    static String defaultName(URI uri) {
        String authority = uri.getRawAuthority();
        authority = authority.substring(authority.lastIndexOf('@') + 1); // never credentials in a file name
        String raw = uri.getScheme() + "-" + authority + (uri.getRawPath() == null ? "" : uri.getRawPath());
        String name = raw.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-").replaceAll("-+$", "");
        return name.length() <= 64 ? name : name.substring(0, 64);
    }

    /** {@code text} with any user information ({@code user:password@}) replaced: error messages get printed. */
    static String redact(String text) {
        return text.replaceAll("(://)[^/@?#]*@", "$1***@");
    }

    private static String decode(String raw) {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return raw;
        }
    }
}

package io.containerlogging.metrics;

import com.sun.net.httpserver.HttpHandler;
import io.containerlogging.core.BackendStatistics;
import io.containerlogging.core.LogBackend;
import io.containerlogging.http.AccessListener;
import io.containerlogging.http.AccessRecord;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.regex.Pattern;

/**
 * The container-logging metrics in the Prometheus text format, through the Prometheus Java client:
 * what each {@link LogBackend} logged, wrote, dropped, rejected and skipped, its queue, subscribers
 * and stored messages; HTTP requests by endpoint and status, and response bytes; and any counters
 * or gauges the application adds (the container monitor's, bytes on disk).
 *
 * <pre>{@code
 * LogMetrics metrics = LogMetrics.builder()
 *         .backend("logs", backend)
 *         .gauge("container_logging_containers_followed", "Containers followed now",
 *                 () -> monitor.statistics().containers())
 *         .build();
 * LogHttpServer server = LogHttpServer.builder(backend)
 *         .accessListener(metrics.accessListener())     // HTTP requests by endpoint and status
 *         .mount("/metrics", metrics.handler())        // same token and Host rules as the API
 *         .build();
 * }</pre>
 *
 * <p>Every value but the HTTP counters is read when Prometheus scrapes, from the components'
 * own statistics: no thread, no polling, nothing kept between scrapes. The families are:
 *
 * <table>
 * <caption>Metric families</caption>
 * <tr><th>name</th><th>type</th><th>labels</th><th>source</th></tr>
 * <tr><td>{@code container_logging_messages_logged_total}</td><td>counter</td><td>backend</td>
 *     <td>{@link BackendStatistics#logged()}</td></tr>
 * <tr><td>{@code container_logging_messages_written_total}</td><td>counter</td><td>backend</td>
 *     <td>{@link BackendStatistics#written()}</td></tr>
 * <tr><td>{@code container_logging_messages_dropped_total}</td><td>counter</td><td>backend</td>
 *     <td>{@link BackendStatistics#dropped()}</td></tr>
 * <tr><td>{@code container_logging_messages_rejected_total}</td><td>counter</td><td>backend</td>
 *     <td>{@link BackendStatistics#rejected()}</td></tr>
 * <tr><td>{@code container_logging_messages_skipped_total}</td><td>counter</td><td>backend</td>
 *     <td>{@link BackendStatistics#skipped()}</td></tr>
 * <tr><td>{@code container_logging_messages_queued}</td><td>gauge</td><td>backend</td>
 *     <td>{@link BackendStatistics#queued()}</td></tr>
 * <tr><td>{@code container_logging_subscribers}</td><td>gauge</td><td>backend</td>
 *     <td>{@link BackendStatistics#subscribers()}</td></tr>
 * <tr><td>{@code container_logging_subscriber_lag_messages}</td><td>gauge</td><td>backend</td>
 *     <td>{@link BackendStatistics#subscriberQueued()}</td></tr>
 * <tr><td>{@code container_logging_subscriber_messages_dropped_total}</td><td>counter</td><td>backend</td>
 *     <td>{@link BackendStatistics#subscriberDropped()}</td></tr>
 * <tr><td>{@code container_logging_store_messages}</td><td>gauge</td><td>backend</td>
 *     <td>{@link LogBackend#count()}</td></tr>
 * <tr><td>{@code container_logging_store_bytes}</td><td>gauge</td><td>backend</td>
 *     <td>{@link Builder#storeBytes}, for the backends given one</td></tr>
 * <tr><td>{@code container_logging_http_requests_total}</td><td>counter</td><td>endpoint, status</td>
 *     <td>{@link #accessListener()}</td></tr>
 * <tr><td>{@code container_logging_http_response_bytes_total}</td><td>counter</td><td>endpoint</td>
 *     <td>{@link #accessListener()}</td></tr>
 * </table>
 *
 * <p>Label values stay few: backend names are the application's, endpoints are the route names
 * of {@link AccessRecord#endpoint()}, statuses are HTTP statuses.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class LogMetrics {

    /** The text format's media type, as {@link #handler()} sends it. */
    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private final PrometheusRegistry registry;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Counter requests;
    private final Counter responseBytes;
    private final AccessListener accessListener;

    private LogMetrics(Builder builder) {
        this.registry = builder.registry != null ? builder.registry : new PrometheusRegistry();
        Map<String, LogBackend> backends = Map.copyOf(builder.backends);
        backendCounter(backends, "container_logging_messages_logged",
                "Messages offered to the backend's log() while it ran", BackendStatistics::logged);
        backendCounter(backends, "container_logging_messages_written",
                "Messages the backend's store acknowledged", BackendStatistics::written);
        backendCounter(backends, "container_logging_messages_dropped",
                "Messages lost between log() and the store (full queue, failed writer, left at close)",
                BackendStatistics::dropped);
        backendCounter(backends, "container_logging_messages_rejected",
                "Messages the store refused for good", BackendStatistics::rejected);
        backendCounter(backends, "container_logging_messages_skipped",
                "Corrupt lines or records skipped while reloading", BackendStatistics::skipped);
        backendGauge(backends, "container_logging_messages_queued", "Messages waiting to be written now",
                BackendStatistics::queued);
        backendGauge(backends, "container_logging_subscribers", "Open live subscriptions now",
                BackendStatistics::subscribers);
        backendGauge(backends, "container_logging_subscriber_lag_messages",
                "Messages waiting in the live subscriptions' buffers now (how far event streams are behind)",
                BackendStatistics::subscriberQueued);
        backendCounter(backends, "container_logging_subscriber_messages_dropped",
                "Messages dropped for live subscribers whose buffer was full",
                BackendStatistics::subscriberDropped);
        GaugeWithCallback.builder().name("container_logging_store_messages")
                .help("Messages the backend holds now (LogBackend.count())")
                .labelNames("backend")
                .callback(callback -> backends.forEach((name, backend) -> callback.call(backend.count(), name)))
                .register(registry);
        if (!builder.storeBytes.isEmpty()) {
            Map<String, LongSupplier> bytes = Map.copyOf(builder.storeBytes);
            GaugeWithCallback.builder().name("container_logging_store_bytes")
                    .help("Bytes the backend's files take on disk now")
                    .labelNames("backend")
                    .callback(callback -> bytes.forEach((name, value) -> callback.call(value.getAsLong(), name)))
                    .register(registry);
        }
        builder.extra.forEach((name, metric) -> {
            if (metric.counter()) {
                CounterWithCallback.builder().name(name).help(metric.help())
                        .callback(callback -> callback.call(metric.value().getAsLong())).register(registry);
            } else {
                GaugeWithCallback.builder().name(name).help(metric.help())
                        .callback(callback -> callback.call(metric.value().getAsLong())).register(registry);
            }
        });
        builder.labelled.forEach((name, metric) -> {
            String[] labelNames = metric.labelNames().toArray(String[]::new);
            if (metric.counter()) {
                CounterWithCallback.builder().name(name).help(metric.help()).labelNames(labelNames)
                        .callback(callback -> metric.values().get().forEach((labels, value) -> {
                            if (labels.size() == labelNames.length) { // else not exported: no half-labelled sample
                                callback.call(value, labels.toArray(String[]::new));
                            }
                        }))
                        .register(registry);
            } else {
                GaugeWithCallback.builder().name(name).help(metric.help()).labelNames(labelNames)
                        .callback(callback -> metric.values().get().forEach((labels, value) -> {
                            if (labels.size() == labelNames.length) {
                                callback.call(value, labels.toArray(String[]::new));
                            }
                        }))
                        .register(registry);
            }
        });
        this.requests = Counter.builder().name("container_logging_http_requests")
                .help("HTTP requests answered, by endpoint and status (0: ended without a response)")
                .labelNames("endpoint", "status").withoutExemplars().register(registry);
        this.responseBytes = Counter.builder().name("container_logging_http_response_bytes")
                .help("HTTP response body bytes sent, as on the wire (compressed if compressed)")
                .labelNames("endpoint").withoutExemplars().register(registry);
        this.accessListener = this::count;
    }

    private void backendCounter(Map<String, LogBackend> backends, String name, String help,
            ToDoubleFunction<BackendStatistics> value) {
        CounterWithCallback.builder().name(name).help(help).labelNames("backend")
                .callback(callback -> backends.forEach((backendName, backend) ->
                        callback.call(value.applyAsDouble(backend.statistics()), backendName)))
                .register(registry);
    }

    private void backendGauge(Map<String, LogBackend> backends, String name, String help,
            ToDoubleFunction<BackendStatistics> value) {
        GaugeWithCallback.builder().name(name).help(help).labelNames("backend")
                .callback(callback -> backends.forEach((backendName, backend) ->
                        callback.call(value.applyAsDouble(backend.statistics()), backendName)))
                .register(registry);
    }

    private void count(AccessRecord record) {
        requests.labelValues(record.endpoint(), Integer.toString(record.status())).inc();
        if (record.bytes() > 0) {
            responseBytes.labelValues(record.endpoint()).inc(record.bytes());
        }
    }

    /** A builder with no backends and no extra metrics. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Counts every request it is told about in {@code container_logging_http_requests_total} and
     * {@code container_logging_http_response_bytes_total}: give it to
     * {@code LogHttpServer.Builder.accessListener} (or an {@code AccessFilter}).
     */
    public AccessListener accessListener() {
        return accessListener;
    }

    /**
     * Serves the metrics: {@code GET} (and {@code HEAD}) answers 200 with the text format
     * ({@link #CONTENT_TYPE}); other methods 405. Mount it on the API's server with
     * {@code LogHttpServer.Builder.mount("/metrics", metrics.handler())}, which applies the API's
     * bearer token and Host rules. Runs on the calling request thread, starts none.
     */
    public HttpHandler handler() {
        return new MetricsHandler(this);
    }

    /**
     * Writes every metric in the text format to {@code out} (reading the callbacks now).
     *
     * @throws IOException if {@code out} fails
     */
    public void writeTo(OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
    }

    /** Configures {@link LogMetrics}. Not thread-safe. */
    public static final class Builder {
        private final Map<String, LogBackend> backends = new LinkedHashMap<>();
        private final Map<String, LongSupplier> storeBytes = new LinkedHashMap<>();
        private final Map<String, Extra> extra = new LinkedHashMap<>();
        private final Map<String, Labelled> labelled = new LinkedHashMap<>();
        private PrometheusRegistry registry;

        private Builder() {
        }

        private record Extra(boolean counter, String help, LongSupplier value) {
        }

        private record Labelled(boolean counter, String help, List<String> labelNames,
                Supplier<Map<List<String>, Long>> values) {
        }

        /**
         * Exports {@code backend}'s statistics and stored messages with the label
         * {@code backend="name"}. May be called once per name. Default: no backend.
         *
         * @param name the label value, e.g. {@code logs}: letters, digits, {@code _}, {@code -}
         * @throws NullPointerException if an argument is null
         * @throws IllegalArgumentException if {@code name} is malformed, quoting it
         * @throws IllegalStateException if {@code name} was already given
         */
        public Builder backend(String name, LogBackend backend) {
            checkLabel(name);
            Objects.requireNonNull(backend, "backend");
            if (backends.putIfAbsent(name, backend) != null) {
                throw new IllegalStateException("backend '" + name + "' was already added");
            }
            return this;
        }

        /**
         * Exports the bytes the named backend's files take on disk as
         * {@code container_logging_store_bytes}, read from {@code bytesOnDisk} at each scrape (e.g.
         * {@code () -> local.storageStatistics().bytesOnDisk()}).
         *
         * @throws NullPointerException if an argument is null
         * @throws IllegalStateException if no backend of that name was added, or bytes were already
         *     given for it
         */
        public Builder storeBytes(String name, LongSupplier bytesOnDisk) {
            Objects.requireNonNull(bytesOnDisk, "bytesOnDisk");
            if (!backends.containsKey(Objects.requireNonNull(name, "name"))) {
                throw new IllegalStateException("no backend named '" + name + "': add it with backend() first");
            }
            if (storeBytes.putIfAbsent(name, bytesOnDisk) != null) {
                throw new IllegalStateException("storeBytes for '" + name + "' was already given");
            }
            return this;
        }

        /**
         * Adds a counter (a value that only grows, e.g. lines dropped by the container monitor),
         * read from {@code value} at each scrape. It is exposed as {@code name_total}.
         *
         * @param name a Prometheus metric name, e.g. {@code container_logging_monitor_lines_dropped}
         *     (a trailing {@code _total} is dropped)
         * @throws NullPointerException if an argument is null
         * @throws IllegalArgumentException if {@code name} is not a metric name, quoting it
         * @throws IllegalStateException if the name was already used
         */
        public Builder counter(String name, String help, LongSupplier value) {
            return extra(name.endsWith("_total") ? name.substring(0, name.length() - 6) : name,
                    new Extra(true, Objects.requireNonNull(help, "help"), Objects.requireNonNull(value, "value")));
        }

        /**
         * Adds a gauge (a value that goes up and down, e.g. containers followed), read from
         * {@code value} at each scrape.
         *
         * @throws NullPointerException if an argument is null
         * @throws IllegalArgumentException if {@code name} is not a metric name, quoting it
         * @throws IllegalStateException if the name was already used
         */
        public Builder gauge(String name, String help, LongSupplier value) {
            return extra(Objects.requireNonNull(name, "name"),
                    new Extra(false, Objects.requireNonNull(help, "help"), Objects.requireNonNull(value, "value")));
        }

        /**
         * Adds a counter with labels, e.g. messages per followed container, read from {@code values}
         * at each scrape: one sample per entry, its key the label values in the order of
         * {@code labelNames}. Keep the label values few (bounded by what the application follows).
         * It is exposed as {@code name_total}.
         *
         * @throws NullPointerException if an argument is null
         * @throws IllegalArgumentException if {@code name} or a label name is malformed, quoting it
         * @throws IllegalStateException if the name was already used
         */
        public Builder counter(String name, String help, List<String> labelNames,
                Supplier<Map<List<String>, Long>> values) {
            return labelled(true, name.endsWith("_total") ? name.substring(0, name.length() - 6) : name, help,
                    labelNames, values);
        }

        /**
         * Adds a gauge with labels, e.g. the lag of each forwarder, read from {@code values} at
         * each scrape: one sample per entry, its key the label values in the order of
         * {@code labelNames}. Keep the label values few.
         *
         * @throws NullPointerException if an argument is null
         * @throws IllegalArgumentException if {@code name} or a label name is malformed, quoting it
         * @throws IllegalStateException if the name was already used
         */
        public Builder gauge(String name, String help, List<String> labelNames,
                Supplier<Map<List<String>, Long>> values) {
            return labelled(false, Objects.requireNonNull(name, "name"), help, labelNames, values);
        }

        private Builder labelled(boolean counter, String base, String help, List<String> labelNames,
                Supplier<Map<List<String>, Long>> values) {
            List<String> labels = List.copyOf(labelNames);
            for (String label : labels) {
                if (!NAME.matcher(label).matches() || label.startsWith("__")) {
                    throw new IllegalArgumentException("not a label name: '" + label + "'");
                }
            }
            checkName(base);
            if (labelled.putIfAbsent(base, new Labelled(counter, Objects.requireNonNull(help, "help"), labels,
                    Objects.requireNonNull(values, "values"))) != null) {
                throw new IllegalStateException("metric '" + base + "' was already added");
            }
            return this;
        }

        private Builder extra(String name, Extra metric) {
            checkName(name);
            if (extra.putIfAbsent(name, metric) != null) {
                throw new IllegalStateException("metric '" + name + "' was already added");
            }
            return this;
        }

        private void checkName(String name) {
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("not a metric name: '" + name + "'");
            }
            if (extra.containsKey(name) || labelled.containsKey(name)) {
                throw new IllegalStateException("metric '" + name + "' was already added");
            }
        }

        /**
         * Registers the metrics in {@code registry} instead of a registry of their own, so that an
         * application already exporting Prometheus metrics serves them together. Default: a new
         * registry holding only these metrics.
         *
         * @throws IllegalStateException if already set
         */
        public Builder registry(PrometheusRegistry registry) {
            if (this.registry != null) {
                throw new IllegalStateException("registry was already set");
            }
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /**
         * The metrics, registered.
         *
         * @throws IllegalArgumentException if a metric name is already registered in the
         *     {@link #registry} given
         */
        public LogMetrics build() {
            return new LogMetrics(this);
        }

        private static void checkLabel(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isEmpty() || name.length() > 64
                    || !name.chars().allMatch(c -> c == '_' || c == '-' || Character.isLetterOrDigit(c) && c < 0x80)) {
                throw new IllegalArgumentException("backend name must be 1..64 letters, digits, _ or -, was '"
                        + name + "'");
            }
        }
    }
}

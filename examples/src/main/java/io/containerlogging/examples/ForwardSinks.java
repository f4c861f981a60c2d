package io.containerlogging.examples;

import io.containerlogging.core.forward.ForwardSink;
import io.containerlogging.forward.kafka.KafkaSink;
import io.containerlogging.forward.syslog.SyslogSink;
import io.containerlogging.forward.webhook.WebhookSink;
import io.containerlogging.opensearch.OpenSearchSink;
import java.net.URI;
import java.util.Locale;

/** The sink for each {@code FORWARD_TO} scheme ({@link ForwardSettings#SCHEMES}). */
final class ForwardSinks {

    private ForwardSinks() {
    }

    /**
     * @throws IllegalArgumentException saying what is wrong with {@code uri}
     */
    static ForwardSink create(URI uri) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        switch (scheme) {
            case "syslog+tcp":
            case "syslog+tls":
                return SyslogSink.fromUri(uri);
            case "kafka":
                return KafkaSink.fromUri(uri);
            case "opensearch+http":
            case "opensearch+https":
                return OpenSearchSink.fromUri(uri);
            case "webhook+http":
            case "webhook+https":
                return WebhookSink.fromUri(uri);
            default:
                throw new IllegalArgumentException("unknown scheme '" + scheme + "'");
        }
    }
}

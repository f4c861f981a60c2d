package io.containerlogging.forward.webhook;

import io.containerlogging.core.LogMessage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * The reference {@link WebhookSink} is measured against (benchmarks only, in the sink's package to
 * build the same body): the JDK's {@link HttpClient} posting the same bytes with the same headers
 * synchronously, the answer's status checked and its body discarded; no timeout bookkeeping, no
 * bounded body reader, no gzip fallback.
 */
public final class PlainWebhookLoop {

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI uri;
    private final boolean gzip;

    public PlainWebhookLoop(URI uri, boolean gzip) {
        this.uri = uri;
        this.gzip = gzip;
    }

    /** Posts one batch; throws unless the answer is 2xx. */
    public void deliver(List<LogMessage> batch) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofByteArray(WebhookBody.encode(batch, false, gzip)));
        if (gzip) {
            request.header("Content-Encoding", "gzip");
        }
        try {
            int status = client.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status < 200 || status > 299) {
                throw new IOException("HTTP " + status);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}

package io.containerlogging.forward.webhook;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads a webhook's response body without trusting it: keeps its first {@code keepBytes} for an
 * error message, reads on (so the connection can be reused) up to {@code drainBytes}, and beyond
 * that cancels, which closes the connection instead of reading an endless body. A body still
 * unfinished at the deadline fails with a {@link TimeoutException} (and is cancelled), so a
 * receiver that sends headers and then stalls cannot hold a delivery.
 */
final class ResponseExcerpt implements HttpResponse.BodySubscriber<String> {

    private final int keepBytes;
    private final long drainBytes;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final CompletableFuture<String> result = new CompletableFuture<>();
    private Flow.Subscription subscription;
    private long seen;

    /**
     * @param deadlineNanos the {@link System#nanoTime()} by which the body must be complete
     */
    ResponseExcerpt(int keepBytes, long drainBytes, long deadlineNanos) {
        this.keepBytes = keepBytes;
        this.drainBytes = drainBytes;
        result.orTimeout(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        result.whenComplete((body, error) -> {
            if (error != null) {
                subscription.cancel(); // timed out: stop reading, drop the connection
            }
        });
        subscription.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        for (ByteBuffer buffer : buffers) {
            int remaining = buffer.remaining();
            int keep = Math.min(remaining, keepBytes - kept.size());
            if (keep > 0) {
                byte[] bytes = new byte[keep];
                buffer.get(bytes);
                kept.write(bytes, 0, keep);
            }
            seen += remaining;
        }
        if (seen > drainBytes) {
            subscription.cancel();
            complete();
        } else {
            subscription.request(1);
        }
    }

    @Override
    public void onError(Throwable error) {
        result.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
        complete();
    }

    private void complete() {
        result.complete(kept.toString(StandardCharsets.UTF_8));
    }

    @Override
    public CompletionStage<String> getBody() {
        return result;
    }
}

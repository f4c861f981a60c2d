package io.containerlogging.examples;

import io.containerlogging.core.LogBackend;
import io.containerlogging.core.LogFields;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogSource;
import io.containerlogging.core.SourceType;
import io.containerlogging.http.AccessListener;
import io.containerlogging.http.AccessRecord;
import java.util.Objects;

/**
 * Writes one message per API request to a backend of its own: who asked what, and what they got.
 * The message reads {@code GET /api/v1/logs?level=error 200 1234 B 3 ms from 127.0.0.1}; its
 * source is {@link SourceType#SYSTEM} named {@code audit}; its level is {@code info}, {@code warn}
 * for 401, 403 and 429, {@code error} for 5xx; its fields are the {@link AccessRecord}'s
 * ({@code remoteAddress}, {@code token}, {@code method}, {@code endpoint}, {@code path},
 * {@code query}, {@code status}, {@code bytes}, {@code durationMs}), so the audit trail is
 * searched with the API's filter language, e.g. {@code GET /audit/api/v1/logs?field.status=401}.
 *
 * <p>Never holds the bearer token or a stream ticket (see {@link AccessRecord}). Thread-safe; never
 * blocks: the backend queues its writes.
 */
final class AuditTrail implements AccessListener {

    /** The source of audit messages. */
    static final LogSource SOURCE = new LogSource(SourceType.SYSTEM, "audit");

    private final LogBackend backend;

    AuditTrail(LogBackend backend) {
        this.backend = Objects.requireNonNull(backend, "backend");
    }

    @Override
    public void accessed(AccessRecord record) {
        long millis = record.duration().toMillis();
        String target = record.query().isEmpty() ? record.path() : record.path() + "?" + record.query();
        String text = record.method() + " " + target + " " + record.status() + " " + record.bytes() + " B "
                + millis + " ms from " + (record.remoteAddress().isEmpty() ? "unknown" : record.remoteAddress());
        LogFields fields = LogFields.builder()
                .put("remoteAddress", record.remoteAddress())
                .put("token", record.tokenPresented())
                .put("method", record.method())
                .put("endpoint", record.endpoint())
                .put("path", record.path())
                .put("query", record.query())
                .put("status", (long) record.status())
                .put("bytes", record.bytes())
                .put("durationMs", millis)
                .build();
        backend.log(LogMessage.builder()
                .message(text)
                .timestamp(record.time())
                .level(level(record.status()))
                .source(SOURCE)
                .system(true)
                .fields(fields)
                .build());
    }

    static LogLevel level(int status) {
        if (status >= 500) {
            return LogLevel.ERROR;
        }
        return status == 401 || status == 403 || status == 429 ? LogLevel.WARN : LogLevel.INFO;
    }
}

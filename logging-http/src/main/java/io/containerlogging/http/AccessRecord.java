package io.containerlogging.http;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One request served by the HTTP API, as an {@link AccessFilter} reports it to an
 * {@link AccessListener} when the response has ended: for an audit trail or metrics. It never
 * holds the value of the {@code Authorization} header (only whether a bearer token was presented)
 * nor of a stream {@code ticket} (masked as {@code ***} in {@link #query}).
 *
 * @param time when the request reached the filter
 * @param remoteAddress the client's IP address (what the socket shows: a proxy's address behind a
 *     proxy), or {@code ""} if unknown
 * @param tokenPresented whether the request carried an {@code Authorization: Bearer} header,
 *     right or wrong (a 401 tells which)
 * @param method the request method, e.g. {@code GET}
 * @param endpoint a route name of bounded cardinality, for grouping: {@code /api/v1/logs},
 *     {@code /api/v1/logs/count}, {@code /api/v1/logs/stream},
 *     {@code /api/v1/logs/{containerId}/attach}, {@code /api/v1/stream-tickets}, {@code /} (the
 *     web viewer and its assets), each prefixed with the context path the handler is mounted on
 *     ({@code /audit/api/v1/logs}, {@code /metrics}), or {@code other}
 * @param path the raw request path, at most {@link AccessFilter#MAX_TEXT_CHARS} characters
 * @param query the raw query with any {@code ticket} value replaced by {@code ***}, at most
 *     {@link AccessFilter#MAX_TEXT_CHARS} characters; {@code ""} for none
 * @param status the response status, or 0 if the exchange ended without a response
 * @param bytes response body bytes sent, as on the wire (compressed if compressed), without
 *     headers and chunk framing
 * @param duration from the request reaching the filter to the end of the response
 */
public record AccessRecord(Instant time, String remoteAddress, boolean tokenPresented, String method,
        String endpoint, String path, String query, int status, long bytes, Duration duration) {

    /** Checks that no component is null. */
    public AccessRecord {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(remoteAddress, "remoteAddress");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(duration, "duration");
    }
}

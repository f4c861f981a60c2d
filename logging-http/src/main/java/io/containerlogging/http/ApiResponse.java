package io.containerlogging.http;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@link LogApi} answers: either a complete response (status, headers, body), or, for
 * {@code /api/v1/logs/stream}, a {@link StreamPlan} the transport carries out with an
 * {@link SseStream}.
 *
 * @param status the HTTP status
 * @param headers response headers (mutable until sent)
 * @param body the body, already encoded (and compressed if {@code Content-Encoding} says so);
 *     empty for none
 * @param stream non-null for an event stream, whose headers are in {@code headers}
 * @param finished whether the common headers and the compression were already applied (an answer
 *     from {@link LogsResponseCache}): {@link LogApi} must not apply them again
 */
record ApiResponse(int status, Map<String, String> headers, ResponseBody body, StreamPlan stream,
        boolean finished) {

    static final byte[] NO_BODY = new byte[0];

    static ApiResponse of(int status, byte[] body) {
        return of(status, ResponseBody.of(body));
    }

    static ApiResponse of(int status, ResponseBody body) {
        return new ApiResponse(status, new LinkedHashMap<>(), body, null, false);
    }

    /** A response whose headers are final apart from the transport's own (see {@code finished}). */
    static ApiResponse finished(int status, Map<String, String> headers, ResponseBody body) {
        return new ApiResponse(status, headers, body, null, true);
    }

    static ApiResponse stream(StreamPlan plan) {
        return new ApiResponse(200, new LinkedHashMap<>(), ResponseBody.EMPTY, plan, false);
    }

    ApiResponse header(String name, String value) {
        headers.put(name, value);
        return this;
    }
}

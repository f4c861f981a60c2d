package io.containerlogging.http;

import java.io.InputStream;
import java.util.function.Function;

/**
 * One HTTP request as the transport-neutral {@link LogApi} sees it.
 *
 * @param method the request method, e.g. {@code GET}
 * @param path the path relative to where the API is mounted, starting with {@code /}
 * @param rawQuery the query string, still percent-encoded, or null
 * @param header the first value of a request header by (case-insensitive) name, or null
 * @param body the request body; read at most once, and only by endpoints that take one
 * @param declaredLength the {@code Content-Length}, or -1 if unknown (chunked or absent)
 */
record ApiRequest(
        String method,
        String path,
        String rawQuery,
        Function<String, String> header,
        InputStream body,
        long declaredLength) {
}

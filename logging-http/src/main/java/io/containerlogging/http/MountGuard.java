package io.containerlogging.http;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.Set;

/**
 * The log API's access rules in front of another handler that {@link LogHttpServer} serves
 * ({@link LogHttpServer.Builder#mount}): the same bearer token, compared the same way, or without
 * one the same {@code Host}/{@code Origin} check (see {@link HostCheck}). A refused request gets
 * the API's JSON error and never reaches the handler.
 *
 * <p>Thread-safe: immutable.
 */
final class MountGuard extends Filter {

    private final byte[] tokenDigest;
    private final HostCheck hostCheck;

    /**
     * @param bearerToken the token every request must present, or null for none
     * @param allowedHosts host names served besides loopback ones without a token
     * @param corsOrigin the configured CORS origin, or null
     */
    MountGuard(String bearerToken, Set<String> allowedHosts, String corsOrigin) {
        this.tokenDigest = bearerToken == null ? null : LogApi.sha256(bearerToken);
        this.hostCheck = new HostCheck(allowedHosts, corsOrigin);
    }

    @Override
    public String description() {
        return "the log API's bearer token and Host rules";
    }

    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        ApiException refusal = refusal(exchange);
        if (refusal == null) {
            chain.doFilter(exchange);
            return;
        }
        try (exchange) {
            if (exchange.getRequestHeaders().getFirst("Content-Length") == null
                    && exchange.getRequestHeaders().getFirst("Transfer-Encoding") == null) {
                exchange.getRequestBody().read(); // no body: keeps the connection (see LogHttpHandler)
            } else {
                exchange.getResponseHeaders().set("Connection", "close"); // a body we do not wait for
            }
            ApiResponse response = LogApi.error(refusal.status(), refusal.getMessage(), refusal.parameter());
            response.headers().forEach(exchange.getResponseHeaders()::set);
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            if (refusal.status() == 401) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"container-logging\"");
            }
            boolean head = exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(refusal.status(), head ? -1 : response.body().length());
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    response.body().writeTo(out);
                }
            }
        }
    }

    /** Why the request is refused, or null if it may pass. */
    private ApiException refusal(HttpExchange exchange) {
        try {
            if (tokenDigest == null) {
                hostCheck.check(exchange.getRequestHeaders().getFirst("Host"),
                        exchange.getRequestHeaders().getFirst("Origin"));
                return null;
            }
            String presented = LogApi.bearerCredentials(exchange.getRequestHeaders().getFirst("Authorization"));
            // Fixed-length digests compared in constant time, as LogApi does.
            if (presented == null || !MessageDigest.isEqual(tokenDigest, LogApi.sha256(presented))) {
                return new ApiException(401, "missing or wrong bearer token", null);
            }
            return null;
        } catch (ApiException e) {
            return e;
        }
    }
}

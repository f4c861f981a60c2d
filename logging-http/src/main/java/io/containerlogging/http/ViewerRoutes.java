package io.containerlogging.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * Serves the web log viewer: one HTML page, one script and one style sheet, read once from the
 * jar ({@code io/containerlogging/http/viewer/}). The page itself holds no log data, so it is
 * served without the bearer token; every request it makes to the API carries the token (or a
 * stream ticket) as any other client does.
 *
 * <p>Each response carries a strict {@code Content-Security-Policy} (scripts and styles from this
 * origin only, no inline script, no frames), an {@code ETag}, and {@code Cache-Control: no-cache},
 * so a browser revalidates with {@code If-None-Match} (a 304) and sees a new version at once.
 *
 * <p>Thread-safe: immutable after construction.
 */
final class ViewerRoutes {

    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self';"
            + " frame-ancestors 'none'";

    private static final String RESOURCE_DIR = "/io/containerlogging/http/viewer/";

    private record Asset(byte[] body, String contentType, String etag) {
    }

    private final Map<String, Asset> assets;

    ViewerRoutes() {
        this.assets = Map.of(
                "/", load("index.html", "text/html; charset=utf-8"),
                "/viewer.js", load("viewer.js", "text/javascript; charset=utf-8"),
                "/viewer.css", load("viewer.css", "text/css; charset=utf-8"));
    }

    /** The total size of the page and its assets in bytes. */
    int totalBytes() {
        return assets.values().stream().mapToInt(asset -> asset.body().length).sum();
    }

    /**
     * The answer for a viewer path, or null if {@code request} is not for the viewer.
     *
     * @param contextPath the path the handler is mounted on, for the redirect from it to itself
     *     with a trailing slash (the page's relative URLs need one)
     */
    ApiResponse respond(ApiRequest request, String contextPath) {
        String path = request.path();
        if (path.isEmpty()) {
            return withSecurityHeaders(ApiResponse.of(308, ApiResponse.NO_BODY))
                    .header("Location", contextPath + "/");
        }
        Asset asset = assets.get(path);
        if (asset == null) {
            return null;
        }
        String method = request.method();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            ApiException refusal = ApiException.methodNotAllowed(method, "GET, HEAD");
            return withSecurityHeaders(LogApi.error(405, refusal.getMessage(), null))
                    .header("Allow", "GET, HEAD");
        }
        String ifNoneMatch = request.header().apply("If-None-Match");
        if (ifNoneMatch != null && (ifNoneMatch.contains(asset.etag()) || ifNoneMatch.trim().equals("*"))) {
            return withSecurityHeaders(ApiResponse.of(304, ApiResponse.NO_BODY))
                    .header("ETag", asset.etag())
                    .header("Cache-Control", "no-cache");
        }
        return withSecurityHeaders(ApiResponse.of(200, asset.body()))
                .header("Content-Type", asset.contentType())
                .header("ETag", asset.etag())
                .header("Cache-Control", "no-cache");
    }

    private static ApiResponse withSecurityHeaders(ApiResponse response) {
        return response
                .header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .header("X-Frame-Options", "DENY");
    }

    private static Asset load(String name, String contentType) {
        try (InputStream in = ViewerRoutes.class.getResourceAsStream(RESOURCE_DIR + name)) {
            if (in == null) {
                throw new IllegalStateException("the viewer resource " + RESOURCE_DIR + name
                        + " is missing from the jar");
            }
            byte[] body = in.readAllBytes();
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
            String etag = "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
            return new Asset(body, contentType, etag);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the viewer resource " + name, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}

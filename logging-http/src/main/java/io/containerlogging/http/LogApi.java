package io.containerlogging.http;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import io.containerlogging.core.AttachOptions;
import io.containerlogging.core.BackendUnavailableException;
import io.containerlogging.core.AttachedContainer;
import io.containerlogging.core.ContainerAttacher;
import io.containerlogging.core.ContainerNotFoundException;
import io.containerlogging.core.LogBackend;
import io.containerlogging.core.LogId;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.core.SourceType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

/**
 * The REST API, independent of any HTTP server: routing, authentication, parameter parsing,
 * JSON encoding and compression. {@link LogHttpHandler} adapts it to the JDK's HttpServer.
 *
 * <p>Thread-safe. Apart from its immutable configuration it keeps caches of encoded messages
 * ({@link EncodedMessages}) and of whole answers ({@link LogsResponseCache}), both exact.
 */
final class LogApi {

    private static final System.Logger LOG = System.getLogger(LogApi.class.getName());

    static final String JSON = "application/json; charset=utf-8";
    static final String EVENT_STREAM = "text/event-stream; charset=utf-8";

    private static final String ATTACH_SUFFIX = "/attach";
    private static final String LOGS = "/api/v1/logs";
    private static final String COUNT = LOGS + "/count";
    private static final String STREAM = LOGS + "/stream";
    private static final String STREAM_TICKETS = "/api/v1/stream-tickets";

    static final List<String> FILTER_PARAMETERS = List.of("serviceId", "serviceName",
            "containerId", "level", "sourceType", "since", "until", "afterId", "deviceId", "search",
            "exclude", "regex");
    private static final String FIELD_PREFIX = TextFilterParameters.FIELD_PREFIX;
    private static final List<String> LOGS_PARAMETERS = concat(FILTER_PARAMETERS, "limit");
    private static final List<String> COUNT_PARAMETERS = FILTER_PARAMETERS;
    private static final List<String> STREAM_PARAMETERS = concat(concat(FILTER_PARAMETERS, "tail"), "ticket");

    private final LogBackend backend;
    private final ContainerAttacher attacher;
    private final int maxLimit;
    private final int maxBodyBytes;

    /** The largest refused body still read (and discarded) so that its 413 reaches the client. */
    static final long DISCARDED_BODY_BYTES = 1 << 20;
    private final int maxResponseBytes;
    private final int gzipMinBytes;
    private final byte[] tokenDigest;
    private final String corsOrigin;
    private final HostCheck hostCheck;
    private final EncodedMessages encoded = new EncodedMessages();
    private final LogsResponseCache answers = new LogsResponseCache();
    private final StreamTickets tickets = new StreamTickets(java.time.Clock.systemUTC());

    LogApi(LogBackend backend, ContainerAttacher attacher, int maxLimit, int maxBodyBytes,
            int maxResponseBytes, int gzipMinBytes, String bearerToken, String corsOrigin,
            java.util.Set<String> allowedHosts) {
        this.backend = backend;
        this.attacher = attacher;
        this.maxLimit = maxLimit;
        this.maxBodyBytes = maxBodyBytes;
        this.maxResponseBytes = maxResponseBytes;
        this.gzipMinBytes = gzipMinBytes;
        this.tokenDigest = bearerToken == null ? null : sha256(bearerToken);
        this.corsOrigin = corsOrigin;
        this.hostCheck = new HostCheck(allowedHosts, corsOrigin);
    }

    /** Answers {@code request}; never throws. */
    ApiResponse handle(ApiRequest request) {
        ApiResponse response;
        try {
            response = route(request);
        } catch (ApiException e) {
            response = error(e.status(), e.getMessage(), e.parameter());
            if (e.allow() != null) {
                response.header("Allow", e.allow());
            }
            if (e.status() == 401) {
                response.header("WWW-Authenticate", "Bearer realm=\"container-logging\"");
            }
        } catch (RuntimeException e) {
            response = failure(e, request.method() + " " + ApiException.excerpt(request.path()));
        }
        return response.finished() ? response : finish(response, request);
    }

    /** Adds the headers every answer carries, and compresses the body where that pays. */
    private ApiResponse finish(ApiResponse response, ApiRequest request) {
        response.headers().put("Cache-Control", "no-store");
        if (corsOrigin != null) {
            response.headers().put("Access-Control-Allow-Origin", corsOrigin);
            response.headers().put("Vary", "Origin");
        }
        if (response.stream() == null) {
            response = compressIfAccepted(response, request.header().apply("Accept-Encoding"));
        }
        return response;
    }

    /**
     * The response for a request that failed on our side: the one place that maps exceptions
     * from the backend to statuses.
     *
     * @param what the request, for the log line
     */
    static ApiResponse failure(RuntimeException e, String what) {
        if (e instanceof BackendUnavailableException) {
            // A backend on the network (e.g. OpenSearch) that cannot answer now: the client may retry.
            LOG.log(System.Logger.Level.WARNING, "request " + what
                    + " failed: the backend cannot answer: " + e.getMessage());
            return error(503, "the log backend cannot answer right now; try again later", null);
        }
        // Not the client's fault: log it here, and tell the client nothing about internals.
        LOG.log(System.Logger.Level.WARNING, "request " + what + " failed", e);
        return error(500, "internal error", null);
    }

    private ApiResponse route(ApiRequest request) {
        String method = request.method();
        String path = request.path();
        if (tokenDigest == null) {
            // Without a token, the network position is all the protection there is: refuse what
            // a browser page from elsewhere could send (DNS rebinding, cross-site requests).
            hostCheck.check(request.header().apply("Host"), request.header().apply("Origin"));
        }
        if (corsOrigin != null && method.equals("OPTIONS")) {
            // A CORS preflight carries no credentials, so it is answered before authentication.
            return ApiResponse.of(204, ApiResponse.NO_BODY)
                    .header("Access-Control-Allow-Methods", "GET, POST, DELETE")
                    .header("Access-Control-Allow-Headers", "Authorization, Content-Type, Last-Event-ID")
                    .header("Access-Control-Max-Age", "600");
        }
        authenticate(request, path);
        if (path.equals(STREAM_TICKETS)) {
            return streamTicket(request);
        }
        if (path.equals(LOGS)) {
            requireGet(method);
            return logs(request);
        }
        if (path.equals(COUNT)) {
            requireGet(method);
            return count(QueryParameters.parse(request.rawQuery()));
        }
        if (path.equals(STREAM)) {
            requireGet(method);
            return stream(QueryParameters.parse(request.rawQuery()), request.header().apply("Last-Event-ID"));
        }
        if (path.startsWith(LOGS + "/") && path.endsWith(ATTACH_SUFFIX)
                && path.length() > LOGS.length() + 1 + ATTACH_SUFFIX.length()) {
            String containerId = path.substring(LOGS.length() + 1, path.length() - ATTACH_SUFFIX.length());
            if (containerId.indexOf('/') < 0) {
                return attachEndpoint(request, containerId);
            }
        }
        throw new ApiException(404, "no such endpoint: " + ApiException.excerpt(path), null);
    }

    private void authenticate(ApiRequest request, String path) {
        if (tokenDigest == null) {
            return;
        }
        String presented = bearerCredentials(request.header().apply("Authorization"));
        if (presented == null && path.equals(STREAM)) {
            // EventSource cannot send the token: a stream may be opened with a ticket instead.
            QueryParameters parameters = QueryParameters.parse(request.rawQuery());
            List<String> ticket = parameters.values().get("ticket");
            if (ticket != null && ticket.size() == 1 && tickets.accepts(ticket.get(0), parameters)) {
                return;
            }
            if (ticket != null) {
                throw new ApiException(401, "stream ticket expired, invalid, or issued for other filters;"
                        + " ask POST " + STREAM_TICKETS + " for a new one", "ticket");
            }
        }
        // Compare fixed-length digests with MessageDigest.isEqual (constant time), so neither
        // the token's content nor its length leaks through response timing.
        if (presented == null || !MessageDigest.isEqual(tokenDigest, sha256(presented))) {
            throw new ApiException(401, "missing or wrong bearer token", null);
        }
    }

    /**
     * The token of an {@code Authorization: Bearer <token>} header, or null. The scheme is
     * case-insensitive and may be followed by several spaces (RFC 7235); the token is taken as it
     * is, so a token with anything appended, prepended or changed never matches.
     */
    static String bearerCredentials(String authorization) {
        if (authorization == null || authorization.length() < 8
                || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        int start = 7;
        while (start < authorization.length() && authorization.charAt(start) == ' ') {
            start++;
        }
        return authorization.substring(start);
    }

    /** GET, and HEAD wherever GET is allowed (the transport sends no body for HEAD). */
    private static void requireGet(String method) {
        if (!method.equals("GET") && !method.equals("HEAD")) {
            throw ApiException.methodNotAllowed(method, "GET, HEAD");
        }
    }

    // ---- GET /api/v1/logs, /count ------------------------------------------------------------

    /**
     * {@code GET /api/v1/logs}: the stored answer if the backend still returns the same messages
     * for the same request (see {@link LogsResponseCache}), else a new one, stored for next time;
     * a 304 if the client already holds it ({@code If-None-Match}).
     */
    private ApiResponse logs(ApiRequest request) {
        String rawQuery = request.rawQuery() == null ? "" : request.rawQuery();
        String acceptEncoding = request.header().apply("Accept-Encoding");
        LogsResponseCache.Entry entry = answers.find(rawQuery, acceptEncoding);
        // An entry exists only for a query string that passed validation: no need to parse it again.
        LogQuery query = entry != null ? entry.query() : logsQuery(QueryParameters.parse(request.rawQuery()));
        List<LogMessage> logs = backend.getLogs(query);
        boolean repeat = entry != null && entry.answers(logs);
        ApiResponse response = null;
        if (!repeat) {
            // Encoding dominates the cost of a new answer; see EncodedMessages. It also keeps the
            // body within maxResponseBytes, saying where to page on if it had to cut.
            response = finish(ApiResponse.of(200, encoded.logsResponse(logs, maxResponseBytes))
                    .header("Content-Type", JSON), request);
            entry = answers.store(rawQuery, acceptEncoding, query, logs, response);
        }
        if (entry != null && LogsResponseCache.matches(request.header().apply("If-None-Match"), entry.etag())) {
            return entry.notModified();
        }
        if (entry != null) {
            return entry.response(repeat);
        }
        return ApiResponse.finished(response.status(), response.headers(), response.body());
    }

    private LogQuery logsQuery(QueryParameters parameters) {
        parameters.requireOnly(LOGS_PARAMETERS, FIELD_PREFIX);
        Integer limit = parameters.nonNegativeInt("limit");
        // Absent or above the cap, the limit is the cap: a response is never unbounded.
        int effectiveLimit = limit == null ? maxLimit : Math.min(limit, maxLimit);
        return filter(parameters).limit(effectiveLimit).build();
    }

    private ApiResponse count(QueryParameters parameters) {
        parameters.requireOnly(COUNT_PARAMETERS, FIELD_PREFIX);
        LogQuery query = filter(parameters).build();
        long count = query.equals(LogQuery.all()) ? backend.count() : backend.count(query);
        return ApiResponse.of(200, ("{\"count\":" + count + "}").getBytes(StandardCharsets.US_ASCII))
                .header("Content-Type", JSON);
    }

    /** The criteria shared by every read endpoint; validates them all. */
    static LogQuery.Builder filter(QueryParameters parameters) {
        LogQuery.Builder builder = LogQuery.builder()
                .serviceId(parameters.nonNegativeInt("serviceId"))
                .serviceName(parameters.single("serviceName"))
                .containerId(parameters.containerId("containerId"))
                .deviceId(parameters.single("deviceId"));
        for (String level : parameters.all("level")) {
            try {
                builder.level(LogLevel.fromWireName(level));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(level.length() <= ApiException.EXCERPT_CHARS ? e.getMessage()
                        : "unknown level '" + ApiException.excerpt(level) + "'", "level");
            }
        }
        for (String sourceType : parameters.all("sourceType")) {
            try {
                builder.sourceType(SourceType.fromWireName(sourceType));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(sourceType.length() <= ApiException.EXCERPT_CHARS ? e.getMessage()
                        : "unknown sourceType '" + ApiException.excerpt(sourceType) + "'", "sourceType");
            }
        }
        Long since = parameters.nonNegativeLong("since");
        Long until = parameters.nonNegativeLong("until");
        if (since != null && until != null && since > until) {
            throw ApiException.badRequest("since (" + since + ") must not be after until (" + until + ")",
                    "since");
        }
        if (since != null) {
            builder.sinceMillis(since);
        }
        if (until != null) {
            builder.untilMillis(until);
        }
        builder.afterId(logId(parameters.single("afterId"), "afterId"));
        TextFilterParameters.apply(parameters, builder);
        return builder;
    }

    private static String logId(String value, String parameter) {
        if (value != null && LogId.trySequence(value) < 1) {
            throw ApiException.badRequest("'" + ApiException.excerpt(value) + "' is not a log id (expected log-N, N >= 1)",
                    parameter);
        }
        return value;
    }

    // ---- GET /api/v1/logs/stream -------------------------------------------------------------

    private ApiResponse stream(QueryParameters parameters, String lastEventId) {
        parameters.requireOnly(STREAM_PARAMETERS, FIELD_PREFIX);
        LogQuery.Builder filter = filter(parameters);
        Integer tail = parameters.nonNegativeInt("tail");
        String afterId = parameters.single("afterId");
        // Last-Event-ID (an EventSource reconnecting) wins over afterId: it is the newer position.
        String resumeAfter = lastEventId != null && !lastEventId.isBlank()
                ? logId(lastEventId.trim(), "Last-Event-ID")
                : afterId;
        StreamPlan plan = new StreamPlan(filter.afterId(null).limit(null).build(),
                tail == null ? 0 : Math.min(tail, maxLimit), resumeAfter);
        return ApiResponse.stream(plan)
                .header("Content-Type", EVENT_STREAM)
                .header("X-Accel-Buffering", "no");
    }

    // ---- POST /api/v1/stream-tickets ---------------------------------------------------------

    /** A ticket that opens streams with the request's filters; see {@link StreamTickets}. */
    private ApiResponse streamTicket(ApiRequest request) {
        if (!request.method().equals("POST")) {
            throw ApiException.methodNotAllowed(request.method(), "POST");
        }
        readBody(request); // none is expected; refuses a form or text body like the other POSTs
        QueryParameters parameters = QueryParameters.parse(request.rawQuery());
        parameters.requireOnly(FILTER_PARAMETERS);
        filter(parameters); // a ticket for filters the stream would refuse is a 400 now
        String ticket = tickets.issue(parameters);
        return json(200, out -> out.beginObject()
                .name("ticket").value(ticket)
                .name("expiresAt").value(StreamTickets.expiry(ticket))
                .endObject());
    }

    // ---- POST / DELETE /api/v1/logs/{containerId}/attach -------------------------------------

    private ApiResponse attachEndpoint(ApiRequest request, String containerId) {
        String method = request.method();
        if (!method.equals("POST") && !method.equals("DELETE")) {
            throw ApiException.methodNotAllowed(method, "POST, DELETE");
        }
        QueryParameters.parse(request.rawQuery()).requireOnly(List.of());
        QueryParameters.requireContainerId(containerId, "containerId");
        if (attacher == null) {
            throw new ApiException(503, "container log collection is not available: no container"
                    + " monitor is configured (Docker disabled)", null);
        }
        if (method.equals("DELETE")) {
            if (!attacher.detach(containerId)) {
                throw new ApiException(404, "container '" + containerId + "' is not attached", "containerId");
            }
            return json(200, out -> out.beginObject()
                    .name("message").value("Successfully detached from container logs")
                    .name("containerId").value(containerId)
                    .endObject());
        }
        AttachBody body = AttachBody.parse(readBody(request));

        AttachedContainer attached;
        try {
            attached = attacher.attach(AttachOptions.builder(containerId)
                    .serviceId(body.serviceId())
                    .serviceName(body.serviceName())
                    .build());
        } catch (ContainerNotFoundException e) {
            throw new ApiException(404, "no such container: '" + containerId + "'", "containerId");
        } catch (IllegalStateException e) {
            throw new ApiException(503, "cannot attach: " + e.getMessage(), null);
        }
        return json(200, out -> out.beginObject()
                .name("message").value("Successfully attached to container logs")
                // The seed's response echoes the id as requested (like DELETE does), not the full id.
                .name("containerId").value(containerId)
                .name("serviceName").value(attached.serviceName())
                .endObject());
    }

    private byte[] readBody(ApiRequest request) {
        boolean hasBody = request.declaredLength() != 0
                && (request.declaredLength() > 0 || request.header().apply("Transfer-Encoding") != null);
        String contentType = request.header().apply("Content-Type");
        if ((hasBody || contentType != null) && !isJson(contentType)) {
            // A browser sends text/plain or a form cross-site without asking first (no CORS
            // preflight); application/json it may only send after a preflight we do not grant.
            throw new ApiException(415, "the request body must be application/json, was "
                    + (contentType == null ? "no Content-Type" : "'" + ApiException.excerpt(contentType) + "'"),
                    "Content-Type");
        }
        if (!hasBody) {
            return ApiResponse.NO_BODY;
        }
        if (request.declaredLength() > maxBodyBytes) {
            throw tooLarge(request);
        }
        try {
            byte[] body = request.body().readNBytes(maxBodyBytes + 1);
            if (body.length > maxBodyBytes) {
                throw tooLarge(request);
            }
            return body;
        } catch (IOException e) {
            throw ApiException.badRequest("could not read the request body", null);
        }
    }

    /**
     * The 413 for a body over the limit, after reading and discarding the body if it is no larger
     * than {@link #DISCARDED_BODY_BYTES}: a connection closed with unread bytes is reset, and the
     * reset can destroy the 413 before the client reads it (a client still sending sees "connection
     * reset" instead of the reason). The read is bounded in bytes here and in time by the server's
     * request timeout; a larger body is refused unread and its connection closed.
     */
    private ApiException tooLarge(ApiRequest request) {
        long declared = request.declaredLength();
        if (declared <= DISCARDED_BODY_BYTES) {
            try {
                long left = declared < 0 ? DISCARDED_BODY_BYTES : declared;
                byte[] sink = new byte[8192];
                int n;
                while (left > 0 && (n = request.body().read(sink, 0, (int) Math.min(sink.length, left))) >= 0) {
                    left -= n;
                }
            } catch (IOException e) {
                // the client went away or was too slow: the connection is closed either way
            }
        }
        return tooLarge();
    }

    /** Whether a Content-Type is JSON: {@code application/json}, parameters such as charset allowed. */
    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
        return type.equalsIgnoreCase("application/json");
    }

    private ApiException tooLarge() {
        return new ApiException(413, "request body is larger than " + maxBodyBytes + " bytes", null);
    }

    /** The optional body of an attach request: {@code {"serviceId": 1, "serviceName": "web"}}. */
    record AttachBody(Integer serviceId, String serviceName) {

        static AttachBody parse(byte[] body) {
            if (new String(body, StandardCharsets.UTF_8).isBlank()) {
                return new AttachBody(null, null);
            }
            JsonReader in = new JsonReader(new InputStreamReader(new ByteArrayInputStream(body),
                    StandardCharsets.UTF_8));
            in.setStrictness(Strictness.STRICT);
            Integer serviceId = null;
            String serviceName = null;
            try {
                if (in.peek() != JsonToken.BEGIN_OBJECT) {
                    throw ApiException.badRequest("the request body must be a JSON object", null);
                }
                in.beginObject();
                while (in.hasNext()) {
                    String name = in.nextName();
                    JsonToken token = in.peek();
                    switch (name) {
                        case "serviceId":
                            if (token == JsonToken.NULL) {
                                in.nextNull();
                            } else if (token == JsonToken.NUMBER) {
                                serviceId = (int) QueryParameters.parseNonNegative(in.nextString(),
                                        "serviceId", Integer.MAX_VALUE);
                            } else {
                                throw ApiException.badRequest("serviceId must be a whole number", "serviceId");
                            }
                            break;
                        case "serviceName":
                            if (token == JsonToken.NULL) {
                                in.nextNull();
                            } else if (token == JsonToken.STRING) {
                                serviceName = in.nextString();
                                if (serviceName.isBlank()) {
                                    throw ApiException.badRequest("serviceName must not be blank", "serviceName");
                                }
                            } else {
                                throw ApiException.badRequest("serviceName must be a string", "serviceName");
                            }
                            break;
                        default:
                            throw ApiException.badRequest("unknown field '" + ApiException.excerpt(name)
                                    + "' (allowed: serviceId, serviceName)", ApiException.excerpt(name));
                    }
                }
                in.endObject();
                if (in.peek() != JsonToken.END_DOCUMENT) {
                    throw ApiException.badRequest("malformed JSON: content after the object", null);
                }
            } catch (IOException | IllegalStateException | NumberFormatException e) {
                // MalformedJsonException, EOFException (truncated), or gson's wrong-token errors:
                // their messages describe gson's internals and link to its troubleshooting page.
                throw ApiException.badRequest("malformed JSON: the body must be one JSON object such as"
                        + " {\"serviceId\": 1, \"serviceName\": \"web\"}", null);
            }
            return new AttachBody(serviceId, serviceName);
        }
    }

    // ---- JSON, errors, compression -----------------------------------------------------------

    @FunctionalInterface
    private interface JsonBody {
        void write(JsonWriter out) throws IOException;
    }

    private static ApiResponse json(int status, JsonBody body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (Writer writer = new OutputStreamWriter(bytes, StandardCharsets.UTF_8)) {
            JsonWriter out = new JsonWriter(writer);
            body.write(out);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in-memory: does not happen
        }
        return ApiResponse.of(status, bytes.toByteArray()).header("Content-Type", JSON);
    }

    static ApiResponse error(int status, String message, String parameter) {
        return json(status, out -> {
            out.beginObject().name("error").value(message);
            if (parameter != null) {
                out.name("parameter").value(parameter);
            }
            out.endObject();
        });
    }

    /** The response gzipped if the client accepts it and the body is worth compressing. */
    private ApiResponse compressIfAccepted(ApiResponse response, String acceptEncoding) {
        if (response.body().length() < Math.max(1, gzipMinBytes)) {
            return response;
        }
        // Caches must know the body depends on Accept-Encoding, whichever one this client sent.
        response.headers().merge("Vary", "Accept-Encoding", (a, b) -> a + ", " + b);
        if (!acceptsGzip(acceptEncoding)) {
            return response;
        }
        ByteArrayOutputStream compressed = new ByteArrayOutputStream(response.body().length() / 4 + 64);
        try (GZIPOutputStream gzip = new GZIPOutputStream(compressed, 8192)) {
            response.body().writeTo(gzip);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in-memory: does not happen
        }
        ApiResponse gzipped = new ApiResponse(response.status(), response.headers(),
                ResponseBody.of(compressed.toByteArray()), null, false);
        return gzipped.header("Content-Encoding", "gzip");
    }

    /** Whether an {@code Accept-Encoding} value accepts gzip (and not with {@code q=0}). */
    static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String part : acceptEncoding.split(",")) {
            String[] pieces = part.split(";");
            if (!pieces[0].trim().equalsIgnoreCase("gzip")) {
                continue;
            }
            for (int i = 1; i < pieces.length; i++) {
                String parameter = pieces[i].trim().toLowerCase(Locale.ROOT).replace(" ", "");
                if (parameter.matches("q=0(\\.0*)?")) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private static List<String> concat(List<String> list, String extra) {
        var all = new java.util.ArrayList<>(list);
        all.add(extra);
        return List.copyOf(all);
    }
}

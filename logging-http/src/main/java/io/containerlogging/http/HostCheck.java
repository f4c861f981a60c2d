package io.containerlogging.http;

import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * The defence of an API without a bearer token against browsers: a page from another site can
 * make the browser send requests to {@code localhost} (cross-site requests that need no CORS
 * preflight, or DNS rebinding, where the attacker's own host name resolves to 127.0.0.1). Both
 * show in the headers a browser always sends: the {@code Host} is the attacker's name, or the
 * {@code Origin} is the attacker's site.
 *
 * <p>Allowed: a {@code Host} of {@code localhost}, {@code *.localhost}, a 127.0.0.0/8 or
 * {@code [::1]} literal, or one of the configured host names (any port); a request without
 * {@code Origin}, or whose {@code Origin}'s host is allowed the same way, or is the configured
 * CORS origin. A request without {@code Host} (HTTP/1.0, not a browser) passes.
 *
 * <p>Thread-safe: immutable.
 */
final class HostCheck {

    private final Set<String> allowedHosts;
    private final String corsOrigin;

    /**
     * @param allowedHosts extra host names (lower case) served besides loopback ones
     * @param corsOrigin the configured CORS origin, or null; {@code *} allows every Origin
     */
    HostCheck(Set<String> allowedHosts, String corsOrigin) {
        this.allowedHosts = Set.copyOf(allowedHosts);
        this.corsOrigin = corsOrigin;
    }

    /** Throws a 403 {@link ApiException} if the request may come from a foreign web page. */
    void check(String host, String origin) {
        if (host != null && !isAllowedHost(hostName(host))) {
            throw new ApiException(403, "host '" + ApiException.excerpt(host) + "' is not served: without a"
                    + " bearer token only loopback names and the configured host names are (DNS rebinding"
                    + " protection)", "Host");
        }
        if (origin != null && !isAllowedOrigin(origin)) {
            throw new ApiException(403, "requests from origin '" + ApiException.excerpt(origin)
                    + "' are refused: without a bearer token only pages on this host may call the API", "Origin");
        }
    }

    private boolean isAllowedOrigin(String origin) {
        if ("*".equals(corsOrigin) || origin.equals(corsOrigin)) {
            return true;
        }
        try {
            URI uri = new URI(origin);
            String host = uri.getHost();
            return host != null && isAllowedHost(host.toLowerCase(Locale.ROOT));
        } catch (java.net.URISyntaxException e) {
            return false; // includes "null", the origin of sandboxed pages and local files
        }
    }

    /** The host name of a Host header value: without port, IPv6 brackets kept off, lower case. */
    static String hostName(String host) {
        String value = host.trim().toLowerCase(Locale.ROOT);
        if (value.startsWith("[")) {
            int end = value.indexOf(']');
            return end < 0 ? value : value.substring(0, end + 1);
        }
        int colon = value.indexOf(':');
        return colon < 0 ? value : value.substring(0, colon);
    }

    private boolean isAllowedHost(String name) {
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        return isLoopbackName(name) || allowedHosts.contains(name);
    }

    static boolean isLoopbackName(String name) {
        if (name.equals("localhost") || name.endsWith(".localhost") || name.equals("[::1]")) {
            return true;
        }
        // 127.a.b.c, each part one to three digits and at most 255. Scanned by hand: this runs
        // on every request without a token, and split() plus a stream per part showed up in
        // the request's profile.
        int dots = 0;
        int digits = 0;
        int value = 0;
        for (int i = 0, n = name.length(); i < n; i++) {
            char c = name.charAt(i);
            if (c == '.') {
                if (digits == 0 || (dots == 0 && value != 127)) {
                    return false;
                }
                dots++;
                digits = 0;
                value = 0;
            } else if (c >= '0' && c <= '9' && digits < 3) {
                value = value * 10 + (c - '0');
                digits++;
                if (value > 255) {
                    return false;
                }
            } else {
                return false;
            }
        }
        return dots == 3 && digits > 0;
    }
}

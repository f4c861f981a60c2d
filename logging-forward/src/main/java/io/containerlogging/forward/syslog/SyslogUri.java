package io.containerlogging.forward.syslog;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/** Reads {@code syslog+tcp://host:port} and {@code syslog+tls://host[:port]?ca=...} into a builder. */
final class SyslogUri {

    static final String TCP = "syslog+tcp";
    static final String TLS = "syslog+tls";

    private static final List<String> PARAMETERS = List.of("ca", "maxMessageSize", "appName", "facility");
    private static final List<String> FACILITIES = List.of("kern", "user", "mail", "daemon", "auth", "syslog",
            "lpr", "news", "uucp", "cron", "authpriv", "ftp", "ntp", "audit", "alert", "clock",
            "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7");

    private SyslogUri() {
    }

    /** @throws IllegalArgumentException naming what is wrong with {@code uri} */
    static SyslogSink.Builder parse(URI uri) {
        Objects.requireNonNull(uri, "uri");
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!TCP.equals(scheme) && !TLS.equals(scheme)) {
            throw bad(uri, "scheme must be " + TCP + " or " + TLS);
        }
        boolean tls = TLS.equals(scheme);
        if (uri.isOpaque() || uri.getHost() == null) {
            throw bad(uri, "no host (expected " + scheme + "://host:port; a host name has letters, digits, '-' and '.')");
        }
        if (uri.getRawUserInfo() != null) {
            throw bad(uri, "user info is not supported (syslog has no credentials; use TLS with a client certificate)");
        }
        if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")) {
            throw bad(uri, "path '" + uri.getRawPath() + "' is not supported");
        }
        if (uri.getRawFragment() != null) {
            throw bad(uri, "fragment '#" + uri.getRawFragment() + "' is not supported");
        }
        int port = uri.getPort();
        if (port == -1) {
            if (!tls) {
                throw bad(uri, "no port (syslog over TCP has no standard port; 514 and 601 are common)");
            }
            port = SyslogSink.DEFAULT_TLS_PORT;
        } else if (port == 0) {
            throw bad(uri, "port 0 is not a port to connect to");
        }
        SyslogSink.Builder builder = SyslogSink.builder(uri.getHost(), port);
        String ca = null;
        Set<String> seen = new HashSet<>();
        String query = uri.getRawQuery();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&", -1)) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = decode(uri, eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(uri, pair.substring(eq + 1));
                if (!PARAMETERS.contains(name)) {
                    throw bad(uri, "unknown parameter '" + name + "' (known: " + String.join(", ", PARAMETERS) + ")");
                }
                if (!seen.add(name)) {
                    throw bad(uri, "parameter '" + name + "' is given twice");
                }
                if (value.isEmpty()) {
                    throw bad(uri, "parameter '" + name + "' has no value");
                }
                try {
                    switch (name) {
                        case "ca":
                            ca = value;
                            break;
                        case "maxMessageSize":
                            builder.maxMessageSize(parseInt(value, name));
                            break;
                        case "appName":
                            builder.appName(value);
                            break;
                        default:
                            builder.facility(facility(value));
                            break;
                    }
                } catch (IllegalArgumentException e) {
                    throw bad(uri, e.getMessage());
                }
            }
        }
        if (tls) {
            if (ca == null) {
                builder.tls();
            } else {
                try {
                    builder.tlsTrusting(Path.of(ca));
                } catch (IllegalArgumentException e) {
                    throw bad(uri, e.getMessage());
                }
            }
        } else if (ca != null) {
            throw bad(uri, "parameter 'ca' needs " + TLS);
        }
        return builder;
    }

    private static int facility(String value) {
        int index = FACILITIES.indexOf(value.toLowerCase(Locale.ROOT));
        if (index >= 0) {
            return index;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("facility '" + value + "' is neither 0-23 nor a name such as user or local0");
        }
    }

    private static int parseInt(String value, String name) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " '" + value + "' is not a number");
        }
    }

    private static String decode(URI uri, String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw bad(uri, "bad %-escape in '" + s + "'");
        }
    }

    private static IllegalArgumentException bad(URI uri, String what) {
        return new IllegalArgumentException("syslog URI '" + safe(uri) + "': " + what);
    }

    /** The URI without user info, which might hold a password. */
    private static String safe(URI uri) {
        if (uri.getRawUserInfo() == null) {
            return uri.toString();
        }
        return uri.toString().replace(uri.getRawUserInfo() + "@", "***@");
    }
}

package io.containerlogging.forward.webhook;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The pieces of a {@code webhook+http(s)://} URI that {@link WebhookSink#fromUri} takes apart. */
final class WebhookUriParts {

    private WebhookUriParts() {
    }

    /** The {@code name=value} parts of a raw query, still encoded; none for null or empty. */
    static List<String> parameters(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return List.of();
        }
        return List.of(rawQuery.split("&"));
    }

    /** Percent-decodes {@code text}; a '+' stays a '+' (it is not a form). */
    static String decode(String text) {
        try {
            return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            // not quoted: it may be a password or a header value
            throw new IllegalArgumentException("bad percent-encoding in a webhook URI's user info or parameters", e);
        }
    }

    /** {@code true} or {@code false}, nothing else. */
    static boolean flag(String name, String value) {
        if (value.equals("true")) {
            return true;
        }
        if (value.equals("false")) {
            return false;
        }
        throw new IllegalArgumentException("parameter '" + name + "' of a webhook URI must be true or false, was '"
                + value + "'");
    }
}

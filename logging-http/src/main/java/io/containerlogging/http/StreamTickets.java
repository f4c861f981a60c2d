package io.containerlogging.http;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Short-lived stream tickets: how a browser's {@code EventSource}, which cannot send an
 * {@code Authorization} header, opens {@code /api/v1/logs/stream} on an API that requires a
 * bearer token, without the long-lived token ever appearing in a URL (and so in access logs,
 * browser history or {@code Referer} headers).
 *
 * <p>A client that holds the token asks {@code POST /api/v1/stream-tickets?<filters>} for a ticket
 * and opens {@code /api/v1/logs/stream?<the same filters>&ticket=<ticket>}. A ticket is
 * {@code <expiry epoch ms>.<HMAC-SHA256 over the expiry and the filters>} under a random key made
 * when the API is built: it opens streams with exactly those filters ({@code afterId},
 * {@code tail} and {@code ticket} itself aside, so a reconnect may resume anywhere) until it
 * expires, and nothing else. Keys are not shared between server instances or restarts: a client
 * whose ticket is refused (401) asks for a new one.
 *
 * <p>Thread-safe: the key is immutable; each call uses its own {@link Mac}.
 */
final class StreamTickets {

    /** How long a ticket may be used to open (or reopen) a stream. */
    static final Duration TTL = Duration.ofSeconds(60);

    /** Parameters a ticket does not bind: the resume position, and the ticket itself. */
    private static final Set<String> UNBOUND = Set.of("ticket", "afterId", "tail");

    private final byte[] key = new byte[32];
    private final Clock clock;

    StreamTickets(Clock clock) {
        this.clock = clock;
        new SecureRandom().nextBytes(key);
    }

    /** A new ticket for streams with the filters of {@code parameters}. */
    String issue(QueryParameters parameters) {
        long expiry = clock.millis() + TTL.toMillis();
        return expiry + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(mac(expiry, parameters));
    }

    /** The expiry (epoch ms) written in a ticket this class issued. */
    static long expiry(String ticket) {
        return Long.parseLong(ticket.substring(0, ticket.indexOf('.')));
    }

    /** Whether {@code ticket} is one of ours, unexpired, for exactly these filters. */
    boolean accepts(String ticket, QueryParameters parameters) {
        int dot = ticket.indexOf('.');
        if (dot < 1 || dot > 19) {
            return false;
        }
        long expiry;
        byte[] presented;
        try {
            expiry = Long.parseLong(ticket.substring(0, dot));
            presented = Base64.getUrlDecoder().decode(ticket.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return false;
        }
        // Compared in constant time, as the bearer token is.
        return MessageDigest.isEqual(presented, mac(expiry, parameters)) && clock.millis() < expiry;
    }

    private byte[] mac(long expiry, QueryParameters parameters) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal((expiry + "\n" + canonical(parameters)).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java platform has HmacSHA256", e);
        }
    }

    /**
     * The bound filters in one order-independent form: names sorted, the values of a repeatable
     * parameter sorted, every name and value length-prefixed so no two different queries give
     * the same text.
     */
    static String canonical(QueryParameters parameters) {
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, List<String>> entry : parameters.values().entrySet()) {
            if (!UNBOUND.contains(entry.getKey())) {
                names.add(entry.getKey());
            }
        }
        names.sort(null);
        StringBuilder text = new StringBuilder();
        for (String name : names) {
            List<String> values = new ArrayList<>(parameters.values().get(name));
            values.sort(null); // every repeatable filter is a set (any of / all of): order means nothing
            for (String value : values) {
                text.append(name.length()).append(':').append(name)
                        .append(value.length()).append(':').append(value).append(';');
            }
        }
        return text.toString();
    }
}

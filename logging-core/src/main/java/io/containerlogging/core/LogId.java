package io.containerlogging.core;

/**
 * The {@code log-N} identifiers that a {@link LogBackend} assigns. {@code N} is a positive number
 * that increases with every stored message, so ids order messages by arrival even when many share
 * a millisecond; that is what the {@link LogQuery#afterId() afterId} cursor and the SSE
 * {@code Last-Event-ID} rely on.
 */
public final class LogId {

    private static final String PREFIX = "log-";

    private LogId() {
    }

    /** The id of the message with sequence number {@code sequence}, e.g. {@code log-42}. */
    public static String format(long sequence) {
        if (sequence < 1) {
            throw new IllegalArgumentException("sequence must be >= 1, was " + sequence);
        }
        return PREFIX + sequence;
    }

    /**
     * The sequence number of {@code id}.
     *
     * @throws NullPointerException if {@code id} is null
     * @throws IllegalArgumentException if {@code id} is not of the form {@code log-N} with N &ge; 1
     */
    public static long sequence(String id) {
        long sequence = trySequence(id);
        if (sequence < 1) {
            throw new IllegalArgumentException("not a log id: '" + id + "' (expected log-N, N >= 1)");
        }
        return sequence;
    }

    /** Like {@link #sequence(String)}, but returns -1 instead of throwing for a malformed id. */
    public static long trySequence(String id) {
        if (id == null || !id.startsWith(PREFIX) || id.length() == PREFIX.length()
                || id.length() > PREFIX.length() + 18) {
            return -1;
        }
        long value = 0;
        for (int i = PREFIX.length(); i < id.length(); i++) {
            char c = id.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value >= 1 ? value : -1;
    }
}

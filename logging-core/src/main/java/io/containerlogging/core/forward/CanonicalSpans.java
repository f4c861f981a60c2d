package io.containerlogging.core.forward;

import io.containerlogging.core.LogLevel;

/**
 * Where the fields of a stored line in the canonical form are, as the check that accepted the line
 * found them ({@link StoredMessage#readCanonicalJson}): a sink that turns the line into its own
 * format (syslog) copies the fields from these places instead of walking the line a second time.
 * Walking it again cost as much as checking it: each was about 40 % of one of the forwarder's two
 * threads (docs/BENCHMARKS.md).
 *
 * <p>Positions are byte indexes into the JSON as handed to the reader, counted from its offset.
 * A string's span is its content without the quotes, still JSON-escaped; an absent optional field
 * has start -1.
 *
 * <p>Immutable once the line is checked; safe to read from any thread that got its message.
 */
public final class CanonicalSpans {

    private static final LogLevel[] LEVELS = LogLevel.values();

    int idEnd;
    int textStart;
    int textEnd;
    boolean textPlain;
    int timeStart;
    int level;
    int sourceTypeStart;
    int sourceTypeEnd;
    int serviceIdStart;
    int serviceIdEnd;
    int serviceNameStart;
    int serviceNameEnd;
    int containerIdStart;
    int containerIdEnd;
    int deviceIdStart;
    int deviceIdEnd;
    boolean stdErr;

    CanonicalSpans() {
    }

    /** Clears the optional fields before a line is checked. */
    void reset() {
        serviceIdStart = serviceNameStart = containerIdStart = deviceIdStart = -1;
        stdErr = false;
        textPlain = false;
    }

    /** Makes every position relative to {@code from}, where the line starts. */
    void shift(int from) {
        idEnd -= from;
        textStart -= from;
        textEnd -= from;
        timeStart -= from;
        sourceTypeStart -= from;
        sourceTypeEnd -= from;
        if (serviceIdStart >= 0) {
            serviceIdStart -= from;
            serviceIdEnd -= from;
        }
        if (serviceNameStart >= 0) {
            serviceNameStart -= from;
            serviceNameEnd -= from;
        }
        if (containerIdStart >= 0) {
            containerIdStart -= from;
            containerIdEnd -= from;
        }
        if (deviceIdStart >= 0) {
            deviceIdStart -= from;
            deviceIdEnd -= from;
        }
    }

    /** The id's content, {@code log-N}, starts at 7 (after <code>&#123;"id":"</code>) and ends here. */
    public int idEnd() {
        return idEnd;
    }

    /** Where the message text's content starts. */
    public int textStart() {
        return textStart;
    }

    /** Where the message text's content ends (its closing quote). */
    public int textEnd() {
        return textEnd;
    }

    /**
     * Whether the text is ASCII without escapes (no byte of 0x80 or more, no backslash): then its
     * bytes are its chars, one byte each.
     */
    public boolean textPlain() {
        return textPlain;
    }

    /** Where the fixed-width time ({@code 0000-00-00T00:00:00.000000000Z}, 30 bytes) starts. */
    public int timeStart() {
        return timeStart;
    }

    /** The level. */
    public LogLevel level() {
        return LEVELS[level];
    }

    /** The source type's name ({@code container}, {@code system}, ...): start. */
    public int sourceTypeStart() {
        return sourceTypeStart;
    }

    /** The source type's name: end. */
    public int sourceTypeEnd() {
        return sourceTypeEnd;
    }

    /** The service id (an integer, not a string): start, or -1 if absent. */
    public int serviceIdStart() {
        return serviceIdStart;
    }

    /** The service id: end. */
    public int serviceIdEnd() {
        return serviceIdEnd;
    }

    /** The service name: start, or -1 if absent. */
    public int serviceNameStart() {
        return serviceNameStart;
    }

    /** The service name: end. */
    public int serviceNameEnd() {
        return serviceNameEnd;
    }

    /** The container id: start, or -1 if absent. */
    public int containerIdStart() {
        return containerIdStart;
    }

    /** The container id: end. */
    public int containerIdEnd() {
        return containerIdEnd;
    }

    /** The device id: start, or -1 if absent. */
    public int deviceIdStart() {
        return deviceIdStart;
    }

    /** The device id: end. */
    public int deviceIdEnd() {
        return deviceIdEnd;
    }

    /** Whether the message came from standard error. */
    public boolean stdErr() {
        return stdErr;
    }
}

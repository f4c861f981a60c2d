package io.containerlogging.core.internal;

import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogSource;
import java.time.Instant;

/**
 * What a decoder has read of one message so far: it {@link #put}s each {@link WireField}'s value
 * as it meets it (a repeated field: the last value wins), then {@link #build()}s the message.
 *
 * <p>Not thread-safe; one per decoded message.
 */
public final class MessageDraft {

    private final LogMessage.Builder builder = LogMessage.builder();
    private long timestampMillis;
    private Instant time;
    private int present; // bit (1 << ordinal) per WireField that was put

    private static final int REQUIRED = required();

    private static int required() {
        int mask = 0;
        for (WireField field : WireField.inOrder()) {
            if (field.required()) {
                mask |= 1 << field.ordinal();
            }
        }
        return mask;
    }

    /** Puts the value of a {@link WireField.Kind#STRING} field. */
    public void put(WireField field, String value) {
        field.put(this, value);
        present |= 1 << field.ordinal();
    }

    /** Puts the value of a {@link WireField.Kind#LONG} field. */
    public void put(WireField field, long value) {
        field.put(this, value);
        present |= 1 << field.ordinal();
    }

    /** Puts the value of an {@link WireField.Kind#INT} field. */
    public void put(WireField field, int value) {
        field.put(this, value);
        present |= 1 << field.ordinal();
    }

    /** Puts the value of a {@link WireField.Kind#BOOLEAN} field. */
    public void put(WireField field, boolean value) {
        field.put(this, value);
        present |= 1 << field.ordinal();
    }

    /** Puts the value of a {@link WireField.Kind#TIME} field. */
    public void put(WireField field, Instant value) {
        field.put(this, value);
        present |= 1 << field.ordinal();
    }

    /** Puts the value of a {@link WireField.Kind#SOURCE} field. */
    public void put(WireField field, LogSource value) {
        field.put(this, value);
        present |= 1 << field.ordinal();
    }

    /**
     * The message read.
     *
     * @throws IllegalArgumentException if a required field is missing
     */
    public LogMessage build() {
        int have = has(WireField.TIME) ? present | 1 << WireField.TIMESTAMP.ordinal() : present;
        if ((have & REQUIRED) != REQUIRED) {
            for (WireField field : WireField.inOrder()) {
                if (field.required() && (have & 1 << field.ordinal()) == 0) {
                    throw new IllegalArgumentException("not a log message: '" + field.jsonName() + "' is missing");
                }
            }
        }
        // The full-precision time wins over the millisecond timestamp, wherever each stood.
        builder.timestamp(time != null ? time : Instant.ofEpochMilli(timestampMillis));
        return builder.build();
    }

    LogMessage.Builder builder() {
        return builder;
    }

    void timestampMillis(long value) {
        timestampMillis = value;
    }

    void time(Instant value) {
        time = value;
    }

    private boolean has(WireField field) {
        return (present & (1 << field.ordinal())) != 0;
    }
}

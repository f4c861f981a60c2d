package io.containerlogging.core.structure;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * What the structure stage does to container lines between reading and storing them: parse JSON
 * and logfmt lines into fields, take the level from the content, group stack traces into one
 * message, and redact secrets. Immutable; build with {@link #builder()}.
 *
 * @param fields whether JSON and logfmt lines get their {@code fields} (default {@link #DEFAULT_FIELDS})
 * @param levels whether the level comes from the content when it names one (default {@link #DEFAULT_LEVELS})
 * @param multiline for which services (by service name; a container without one is asked with
 *     {@code ""}) consecutive lines of a stack trace, or lines continuing with leading whitespace,
 *     become one message (default: every service)
 * @param maxGroupLines the most lines grouped into one message (default {@link #DEFAULT_MAX_GROUP_LINES})
 * @param maxGroupBytes the most characters grouped into one message (default {@link #DEFAULT_MAX_GROUP_BYTES})
 * @param flushTimeout how long a line waits for a continuation before it is stored alone (default
 *     {@link #DEFAULT_FLUSH_TIMEOUT})
 * @param maxFields the most fields taken from one line; the rest are left out (default {@link #DEFAULT_MAX_FIELDS})
 * @param maxDepth the deepest JSON nesting flattened; deeper values are left out (default {@link #DEFAULT_MAX_DEPTH})
 * @param maxParsedLength lines longer than this (in characters) are not parsed (default {@link #DEFAULT_MAX_PARSED_LENGTH})
 * @param redaction the redaction rules, applied in order (default none)
 */
public record StructureOptions(boolean fields, boolean levels, Predicate<String> multiline, int maxGroupLines,
        int maxGroupBytes, Duration flushTimeout, int maxFields, int maxDepth, int maxParsedLength,
        List<RedactionRule> redaction) {

    /** Default {@link Builder#fields(boolean)}: on. */
    public static final boolean DEFAULT_FIELDS = true;
    /** Default {@link Builder#levels(boolean)}: on. */
    public static final boolean DEFAULT_LEVELS = true;
    /** Default {@link Builder#maxGroupLines(int)}: 500 lines. */
    public static final int DEFAULT_MAX_GROUP_LINES = 500;
    /** Default {@link Builder#maxGroupBytes(int)}: 256 Ki characters. */
    public static final int DEFAULT_MAX_GROUP_BYTES = 256 * 1024;
    /** Default {@link Builder#flushTimeout(Duration)}: 200 ms. */
    public static final Duration DEFAULT_FLUSH_TIMEOUT = Duration.ofMillis(200);
    /** Default {@link Builder#maxFields(int)}: 100 fields. */
    public static final int DEFAULT_MAX_FIELDS = 100;
    /** Default {@link Builder#maxDepth(int)}: 8 levels. */
    public static final int DEFAULT_MAX_DEPTH = 8;
    /** Default {@link Builder#maxParsedLength(int)}: 64 Ki characters. */
    public static final int DEFAULT_MAX_PARSED_LENGTH = 64 * 1024;

    private static final Predicate<String> ALL = service -> true;
    private static final Predicate<String> NONE = service -> false;

    /** Validates the options; see {@link Builder} for the bounds. */
    public StructureOptions {
        Objects.requireNonNull(multiline, "multiline");
        Objects.requireNonNull(flushTimeout, "flushTimeout");
        redaction = List.copyOf(Objects.requireNonNull(redaction, "redaction"));
        positive(maxGroupLines, "maxGroupLines");
        positive(maxGroupBytes, "maxGroupBytes");
        positive(maxFields, "maxFields");
        positive(maxDepth, "maxDepth");
        positive(maxParsedLength, "maxParsedLength");
        if (flushTimeout.isNegative() || flushTimeout.isZero()) {
            throw new IllegalArgumentException("flushTimeout must be positive, was " + flushTimeout);
        }
    }

    /** Every default: fields, levels and multiline on, no redaction. */
    public static StructureOptions defaults() {
        return builder().build();
    }

    /** Everything off: each line is stored as read, levelled by its stream. */
    public static StructureOptions off() {
        return builder().fields(false).levels(false).multiline(false).build();
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Whether lines of the service named {@code serviceName} (null for none) are grouped. */
    public boolean multilineFor(String serviceName) {
        return multiline.test(serviceName == null ? "" : serviceName);
    }

    private static void positive(int value, String name) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, was " + value);
        }
    }

    /** Builds {@link StructureOptions}; every setting has a default. Not thread-safe. */
    public static final class Builder {
        private boolean fields = DEFAULT_FIELDS;
        private boolean levels = DEFAULT_LEVELS;
        private Predicate<String> multiline = ALL;
        private int maxGroupLines = DEFAULT_MAX_GROUP_LINES;
        private int maxGroupBytes = DEFAULT_MAX_GROUP_BYTES;
        private Duration flushTimeout = DEFAULT_FLUSH_TIMEOUT;
        private int maxFields = DEFAULT_MAX_FIELDS;
        private int maxDepth = DEFAULT_MAX_DEPTH;
        private int maxParsedLength = DEFAULT_MAX_PARSED_LENGTH;
        private List<RedactionRule> redaction = List.of();

        private Builder() {
        }

        /** Whether JSON and logfmt lines get their fields. */
        public Builder fields(boolean fields) {
            this.fields = fields;
            return this;
        }

        /** Whether the level comes from the content; off, the stream decides (stdout info, stderr error). */
        public Builder levels(boolean levels) {
            this.levels = levels;
            return this;
        }

        /** Multiline grouping for every service, or for none. */
        public Builder multiline(boolean multiline) {
            this.multiline = multiline ? ALL : NONE;
            return this;
        }

        /**
         * Multiline grouping for the services {@code byServiceName} accepts (asked with the service
         * name, {@code ""} for a container without one, once per stream opened). Must be thread-safe.
         *
         * @throws NullPointerException if null
         */
        public Builder multiline(Predicate<String> byServiceName) {
            this.multiline = Objects.requireNonNull(byServiceName, "multiline");
            return this;
        }

        /** @throws IllegalArgumentException if below 1 */
        public Builder maxGroupLines(int maxGroupLines) {
            positive(maxGroupLines, "maxGroupLines");
            this.maxGroupLines = maxGroupLines;
            return this;
        }

        /** @throws IllegalArgumentException if below 1 */
        public Builder maxGroupBytes(int maxGroupBytes) {
            positive(maxGroupBytes, "maxGroupBytes");
            this.maxGroupBytes = maxGroupBytes;
            return this;
        }

        /** @throws IllegalArgumentException if not positive */
        public Builder flushTimeout(Duration flushTimeout) {
            Objects.requireNonNull(flushTimeout, "flushTimeout");
            if (flushTimeout.isNegative() || flushTimeout.isZero()) {
                throw new IllegalArgumentException("flushTimeout must be positive, was " + flushTimeout);
            }
            this.flushTimeout = flushTimeout;
            return this;
        }

        /** @throws IllegalArgumentException if below 1 */
        public Builder maxFields(int maxFields) {
            positive(maxFields, "maxFields");
            this.maxFields = maxFields;
            return this;
        }

        /** @throws IllegalArgumentException if below 1 */
        public Builder maxDepth(int maxDepth) {
            positive(maxDepth, "maxDepth");
            this.maxDepth = maxDepth;
            return this;
        }

        /** @throws IllegalArgumentException if below 1 */
        public Builder maxParsedLength(int maxParsedLength) {
            positive(maxParsedLength, "maxParsedLength");
            this.maxParsedLength = maxParsedLength;
            return this;
        }

        /**
         * The redaction rules, applied in order (e.g. {@link RedactionRule#BUILT_IN}); empty for none.
         *
         * @throws NullPointerException if the list or a rule is null
         * @throws IllegalArgumentException if two rules share a name
         */
        public Builder redaction(List<RedactionRule> rules) {
            List<RedactionRule> copy = List.copyOf(Objects.requireNonNull(rules, "redaction"));
            if (copy.stream().map(RedactionRule::name).distinct().count() != copy.size()) {
                throw new IllegalArgumentException("redaction rules need distinct names: " + copy);
            }
            this.redaction = copy;
            return this;
        }

        /** The options. */
        public StructureOptions build() {
            return new StructureOptions(fields, levels, multiline, maxGroupLines, maxGroupBytes, flushTimeout,
                    maxFields, maxDepth, maxParsedLength, redaction);
        }
    }
}

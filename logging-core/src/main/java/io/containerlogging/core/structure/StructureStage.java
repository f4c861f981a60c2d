package io.containerlogging.core.structure;

import io.containerlogging.core.LevelSource;
import io.containerlogging.core.LogFields;
import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * The structure stage of the write path, between reading container lines and storing them:
 * {@link #grouper groups} the lines of a stack trace into one message, then {@link #apply
 * redacts, parses and levels} each message. Built from {@link StructureOptions}.
 *
 * <p>What {@link #apply} does to a container line (a message with a container id that is not a
 * system message): redaction rules replace secrets in the text; a line that is a JSON object gets
 * its fields (nested keys as dotted paths), a logfmt line its pairs; the level comes from a level
 * key of those fields ({@code level}, {@code lvl}, {@code severity}, {@code @l}, {@code log.level},
 * pino's numbers, …, level source {@code json} or {@code logfmt}), else from a plain-text convention
 * ({@code [ERROR]}, klog's {@code E0806}, {@code WARN } at the start, …, source {@code text}), else it
 * stays the stream's (stdout info, stderr error, source {@code stream}). The text stays the raw
 * line, the time Docker's. Other messages (system, manager) are only redacted.
 *
 * <p>Thread-safety: {@link #apply} and {@link #redactions} are thread-safe; a {@link Grouper} is not.
 */
public final class StructureStage {

    private final StructureOptions options;
    private final JsonFields json;
    private final Logfmt logfmt;
    private final Redactor redactor;

    /**
     * A stage doing what {@code options} say.
     *
     * @throws NullPointerException if {@code options} is null
     */
    public StructureStage(StructureOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.json = new JsonFields(options.maxFields(), options.maxDepth());
        this.logfmt = new Logfmt(options.maxFields());
        this.redactor = new Redactor(options.redaction());
    }

    /** The options this stage was built with. */
    public StructureOptions options() {
        return options;
    }

    /**
     * The message redacted, parsed and levelled as described above; the same instance if nothing
     * changed. Never throws for any text.
     *
     * @throws NullPointerException if {@code message} is null
     */
    public LogMessage apply(LogMessage message) {
        String text = redactor.isEmpty() ? message.message() : redactor.apply(message.message());
        if (message.containerId() == null || message.isSystem()) {
            LogFields fields = redactor.isEmpty() ? message.fields() : redactor.apply(message.fields());
            return text == message.message() && fields == message.fields() ? message
                    : message.toBuilder().message(text).fields(fields).build();
        }
        LogFields fields = null;
        LevelSource format = null;
        if ((options.fields() || options.levels()) && text.length() <= options.maxParsedLength()) {
            String first = firstLine(text);
            int start = 0;
            while (start < first.length() && first.charAt(start) == ' ') {
                start++;
            }
            if (start < first.length() && first.charAt(start) == '{') {
                fields = json.parse(first);
                format = LevelSource.JSON;
            } else if (Logfmt.opensWithPair(first)) {
                fields = logfmt.parse(first);
                format = LevelSource.LOGFMT;
            }
            if (fields != null && !redactor.isEmpty()) {
                fields = redactor.apply(fields);
            }
        }
        LogLevel level = null;
        LevelSource source = null;
        if (options.levels()) {
            if (fields != null && !fields.isEmpty()) {
                level = Levels.fromFields(fields);
                source = format;
            }
            if (level == null) {
                level = TextLevels.detect(text);
                source = LevelSource.TEXT;
            }
        }
        if (!options.fields() || fields == null || fields.isEmpty()) {
            fields = message.fields();
        }
        if (level == null) {
            level = message.level();
            source = message.levelSource();
        }
        if (text == message.message() && fields == message.fields() && level == message.level()
                && source == message.levelSource()) {
            return message;
        }
        return new LogMessage(message.id(), text, message.timestamp(), level, message.source(), message.serviceId(),
                message.serviceName(), message.containerId(), message.isStdErr(), message.isSystem(),
                message.deviceId(), source, fields);
    }

    /** Replacements made so far per redaction rule name, in rule order (see {@link RedactionRule}). */
    public Map<String, Long> redactions() {
        return redactor.counts();
    }

    /**
     * A grouper for one stream of one container (never share one across streams), grouping as
     * {@link StructureOptions#multilineFor} says for {@code serviceName}.
     *
     * @param serviceName the container's service name, or null
     * @param sink where grouped messages go
     * @throws NullPointerException if {@code sink} is null
     */
    public Grouper grouper(String serviceName, Grouper.Sink sink) {
        return new Grouper(options.multilineFor(serviceName), options, sink);
    }

    /**
     * The fields of a JSON object, flattened as a JSON line's are (bounded by the defaults of
     * {@link StructureOptions}); empty if {@code json} is not a JSON object. For manager events'
     * details.
     */
    public static LogFields jsonFields(String json) {
        LogFields fields = new JsonFields(StructureOptions.DEFAULT_MAX_FIELDS, StructureOptions.DEFAULT_MAX_DEPTH)
                .parse(json);
        return fields == null ? LogFields.empty() : fields;
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    /**
     * Groups the consecutive lines of one stream into messages by the built-in multiline rules
     * (see the package description): a line is held until the next line shows whether it continues
     * it, or until {@link #flushIfIdle} finds it waited the flush timeout. A group is cut at
     * {@link StructureOptions#maxGroupLines()} lines or {@link StructureOptions#maxGroupBytes()}
     * characters, and before a line whose timestamp is not after the group's last one, so that
     * every message's timestamp (its last line's) is carried by no other line of it and a read
     * checkpoint taken from stored messages counts lines exactly. With grouping off for the
     * service, each line passes straight through.
     *
     * <p>Not thread-safe: the owner serialises {@link #add}, {@link #flush} and {@link #flushIfIdle}.
     */
    public static final class Grouper {

        /** Receives complete messages. */
        @FunctionalInterface
        public interface Sink {
            /**
             * One message.
             *
             * @param timestamp the timestamp of its last line
             * @param text its lines joined with {@code \n}
             * @param lines how many lines it holds
             */
            void message(Instant timestamp, String text, int lines);
        }

        private final boolean enabled;
        private final int maxLines;
        private final int maxChars;
        private final long timeoutNanos;
        private final Sink sink;

        private final StringBuilder text = new StringBuilder();
        private String single; // the held text while the group is one line (no copy for the common case)
        private int lines;
        private Instant last;
        private long lastNanos;
        private MultilineRules.Mode mode;

        private Grouper(boolean enabled, StructureOptions options, Sink sink) {
            this.enabled = enabled;
            this.maxLines = options.maxGroupLines();
            this.maxChars = options.maxGroupBytes();
            this.timeoutNanos = options.flushTimeout().toNanos();
            this.sink = Objects.requireNonNull(sink, "sink");
        }

        /** Whether this grouper groups (false: lines pass straight through). */
        public boolean isEnabled() {
            return enabled;
        }

        /** Whether lines are held, waiting for a continuation or the timeout. */
        public boolean isPending() {
            return lines > 0;
        }

        /**
         * Adds one line; complete messages go to the sink.
         *
         * @param timestamp the line's timestamp
         * @param line the line, without newline
         * @param nowNanos the current {@link System#nanoTime()} (or any monotonic clock in nanoseconds)
         */
        public void add(Instant timestamp, String line, long nowNanos) {
            if (!enabled) {
                sink.message(timestamp, line, 1);
                return;
            }
            if (lines > 0) {
                MultilineRules.Mode next = timestamp.isAfter(last) && lines < maxLines
                        && length() + 1 + line.length() <= maxChars ? MultilineRules.next(mode, lines, single, line) : null;
                if (next != null) {
                    if (single != null) {
                        text.setLength(0);
                        text.append(single);
                        single = null;
                    }
                    text.append('\n').append(line);
                    lines++;
                    last = timestamp;
                    lastNanos = nowNanos;
                    mode = next;
                    return;
                }
                flush();
            }
            single = line;
            lines = 1;
            last = timestamp;
            lastNanos = nowNanos;
            mode = MultilineRules.start(line);
        }

        /** Hands the held lines, if any, to the sink as one message. */
        public void flush() {
            if (lines == 0) {
                return;
            }
            String out;
            if (single != null) {
                out = single;
            } else {
                int end = text.length();
                while (end > 0 && text.charAt(end - 1) == '\n') {
                    end--; // blank lines that waited for a chained trace that never came
                }
                out = text.substring(0, end);
            }
            Instant timestamp = last;
            int count = lines;
            single = null;
            text.setLength(0);
            lines = 0;
            last = null;
            mode = null;
            sink.message(timestamp, out, count);
        }

        /**
         * Flushes if the newest held line has waited at least the flush timeout.
         *
         * @param nowNanos the current time on the clock given to {@link #add}
         * @return true if something was flushed
         */
        public boolean flushIfIdle(long nowNanos) {
            if (lines > 0 && nowNanos - lastNanos >= timeoutNanos) {
                flush();
                return true;
            }
            return false;
        }

        private int length() {
            return single != null ? single.length() : text.length();
        }
    }
}

package io.containerlogging.core;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which stored messages to return. Every set criterion must hold (AND); within {@link #levels()}
 * and {@link #sourceTypes()} any member matches (OR), while every {@link #search()} text,
 * {@link #regex()} pattern and {@link #fields()} entry must match and no {@link #exclude()} text
 * may (see docs/search.md). An empty query matches everything.
 *
 * <p>Immutable and thread-safe; the regex patterns are compiled once, when the query is built.
 *
 * <p>Results are always returned oldest first (in id order). With a {@link #limit()}, they are the
 * <em>newest</em> {@code limit} matching messages, still oldest first, as {@code docker logs --tail}
 * does; but with an {@link #afterId()} cursor too, they are the <em>oldest</em> {@code limit}
 * matching messages after the cursor, so that a poller which passes the last id it received as the
 * next cursor pages forward through everything, however far behind it is, without a gap.
 *
 * @param serviceId only messages of this service id, or null for any
 * @param serviceName only messages of this service name (exact), or null for any
 * @param containerId only messages whose container id starts with this (a full id or a prefix, as
 *     Docker accepts), or null for any
 * @param levels only messages with one of these levels; empty for any
 * @param sourceTypes only messages with one of these source types; empty for any
 * @param since only messages with {@code timestamp >= since} (inclusive), or null
 * @param until only messages with {@code timestamp < until} (exclusive), or null
 * @param limit at most this many (the newest; with {@code afterId}, the first after the cursor), or
 *     null for all
 * @param afterId only messages stored after the message with this id, or null; lets a poller
 *     page without gaps or repeats even when many messages share a millisecond
 * @param deviceId only messages of this device (exact), or null for any
 * @param search only messages whose text contains every one of these; each is matched with smart
 *     case: ignoring case if it has no upper-case letter, exactly if it has one ({@code timeout}
 *     finds "Timeout" and "TIMEOUT", {@code Timeout} only "Timeout"); empty for any
 * @param exclude only messages whose text contains none of these, with the same smart case as
 *     {@code search}; empty for none excluded
 * @param regex only messages whose text every one of these RE2 patterns matches somewhere
 *     (unanchored: use {@code ^} and {@code $} to anchor; {@code (?i)} to ignore case); empty for
 *     any. Matching takes time linear in the text whatever the pattern.
 * @param fields only messages with every one of these fields, exactly: the field's value as its
 *     JSON text ({@link LogFields#text(String)}) equals the given value, so {@code status -> 500}
 *     matches the number 500 and the string "500"; keys are dotted paths; empty for any
 */
public record LogQuery(
        Integer serviceId,
        String serviceName,
        String containerId,
        Set<LogLevel> levels,
        Set<SourceType> sourceTypes,
        Instant since,
        Instant until,
        Integer limit,
        String afterId,
        String deviceId,
        List<String> search,
        List<String> exclude,
        List<String> regex,
        Map<String, String> fields) {

    private static final LogQuery ALL = builder().build();

    public LogQuery {
        levels = immutableEnumSet(levels, LogLevel.class);
        sourceTypes = immutableEnumSet(sourceTypes, SourceType.class);
        if (containerId != null && containerId.isEmpty()) {
            throw new IllegalArgumentException("containerId must not be empty");
        }
        if (since != null && until != null && since.isAfter(until)) {
            throw new IllegalArgumentException(
                    "since (" + since + ") must not be after until (" + until + ")");
        }
        if (limit != null && limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0, was " + limit);
        }
        if (afterId != null) {
            LogId.sequence(afterId); // validates
        }
        // These lists carry their prepared (compiled) form with them: see SearchTexts.
        search = SearchTexts.of(search, "search");
        exclude = SearchTexts.of(exclude, "exclude");
        regex = RegexPatterns.of(regex);
        fields = immutableFields(fields);
    }

    /** A query without the text and field filters; the constructor from before they existed. */
    public LogQuery(Integer serviceId, String serviceName, String containerId, Set<LogLevel> levels,
            Set<SourceType> sourceTypes, Instant since, Instant until, Integer limit, String afterId,
            String deviceId) {
        this(serviceId, serviceName, containerId, levels, sourceTypes, since, until, limit, afterId,
                deviceId, null, null, null, null);
    }

    /** A query without a device filter; the constructor from before devices existed. */
    public LogQuery(Integer serviceId, String serviceName, String containerId, Set<LogLevel> levels,
            Set<SourceType> sourceTypes, Instant since, Instant until, Integer limit, String afterId) {
        this(serviceId, serviceName, containerId, levels, sourceTypes, since, until, limit, afterId,
                null, null, null, null, null);
    }

    /** The query that matches every message. */
    public static LogQuery all() {
        return ALL;
    }

    /** A builder with nothing set. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder initialised from this query. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.serviceId = serviceId;
        b.serviceName = serviceName;
        b.containerId = containerId;
        b.levels.addAll(levels);
        b.sourceTypes.addAll(sourceTypes);
        b.since = since;
        b.until = until;
        b.limit = limit;
        b.afterId = afterId;
        b.deviceId = deviceId;
        b.search = search;
        b.exclude = exclude;
        b.regex = regex;
        b.fields = fields;
        return b;
    }

    /** This query without its limit: the criteria alone, as {@code count} and subscriptions use them. */
    public LogQuery withoutLimit() {
        return limit == null ? this : toBuilder().limit(null).build();
    }

    /** The sequence number of {@link #afterId()}, or 0 if none is set. */
    public long afterSequence() {
        return afterId == null ? 0 : LogId.sequence(afterId);
    }

    /**
     * Whether {@code message} meets every criterion but the limit. A message without an id passes
     * the {@code afterId} criterion only when no {@code afterId} is set.
     */
    public boolean matches(LogMessage message) {
        if (serviceId != null && !serviceId.equals(message.serviceId())) {
            return false;
        }
        if (serviceName != null && !serviceName.equals(message.serviceName())) {
            return false;
        }
        if (containerId != null
                && (message.containerId() == null || !message.containerId().startsWith(containerId))) {
            return false;
        }
        if (!levels.isEmpty() && !levels.contains(message.level())) {
            return false;
        }
        if (!sourceTypes.isEmpty() && !sourceTypes.contains(message.source().type())) {
            return false;
        }
        if (since != null && message.timestamp().isBefore(since)) {
            return false;
        }
        if (until != null && !message.timestamp().isBefore(until)) {
            return false;
        }
        if (deviceId != null && !deviceId.equals(message.deviceId())) {
            return false;
        }
        if (afterId != null && LogId.trySequence(message.id()) <= afterSequence()) {
            return false;
        }
        return matchesText(message.message(), message.fields());
    }

    /**
     * Whether a message with {@code text} and {@code messageFields} meets the {@link #fields()},
     * {@link #search()}, {@link #exclude()} and {@link #regex()} criteria; the other criteria are
     * not looked at. Lets a store that keeps messages in another form than {@link LogMessage}
     * filter them before building any.
     *
     * @param text the message text, not null
     * @param messageFields the message's fields, not null ({@link LogFields#empty()} for none)
     */
    public boolean matchesText(String text, LogFields messageFields) {
        // The text filters last: they cost the most.
        return (fields.isEmpty() || fieldsMatch(messageFields)) && textMatches(text);
    }

    // The search, exclude and regex criteria on `text`.
    private boolean textMatches(String text) {
        if (!search.isEmpty() && !((SearchTexts) search).allFoundIn(text)) {
            return false;
        }
        if (!exclude.isEmpty() && ((SearchTexts) exclude).anyFoundIn(text)) {
            return false;
        }
        if (!regex.isEmpty() && !((RegexPatterns) regex).allMatch(text)) {
            return false;
        }
        return true;
    }

    /**
     * {@link #matchesText} for a text kept as UTF-8: {@code length} bytes of {@code utf8} from
     * {@code offset}. A {@code regex} that runs as a table-driven automaton reads ASCII bytes as
     * they are; the text is decoded only where a criterion needs a {@code String}. Lets a store
     * that keeps texts as bytes filter them without making a {@code String} per message.
     *
     * @param utf8 the bytes, not null; not modified
     * @param messageFields the message's fields, not null ({@link LogFields#empty()} for none)
     */
    public boolean matchesUtf8(byte[] utf8, int offset, int length, LogFields messageFields) {
        if (!fields.isEmpty() && !fieldsMatch(messageFields)) {
            return false;
        }
        if (search.isEmpty() && exclude.isEmpty() && !regex.isEmpty()) {
            int verdict = ((RegexPatterns) regex).allMatchAscii(utf8, offset, length);
            if (verdict != RegexDfa.UNDECIDED) {
                return verdict == RegexDfa.MATCH;
            }
        }
        return textMatches(new String(utf8, offset, length, StandardCharsets.UTF_8));
    }

    /** True if the query filters on the message text or fields ({@code search}, {@code exclude}, {@code regex}, {@code fields}). */
    public boolean hasTextOrFieldFilters() {
        return !search.isEmpty() || !exclude.isEmpty() || !regex.isEmpty() || !fields.isEmpty();
    }

    /**
     * Whether a {@code search} or {@code exclude} text is matched exactly (it has an upper-case
     * letter) rather than ignoring case. Two characters are equal ignoring case as
     * {@link String#regionMatches(boolean, int, String, int, int)} decides.
     */
    public static boolean isCaseSensitive(String text) {
        return CaseFolding.hasUpperCase(text);
    }

    private boolean fieldsMatch(LogFields messageFields) {
        for (Map.Entry<String, String> wanted : fields.entrySet()) {
            if (!wanted.getValue().equals(messageFields.text(wanted.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, String> immutableFields(Map<String, String> fields) {
        if (fields == null || fields.isEmpty()) {
            return Map.of();
        }
        Map<String, String> copy = new LinkedHashMap<>(fields.size() * 2);
        fields.forEach((path, value) -> {
            Objects.requireNonNull(path, "a field path must not be null");
            Objects.requireNonNull(value, () -> "the value of field '" + path + "' must not be null");
            if (path.isEmpty()) {
                throw new IllegalArgumentException("a field path must not be empty");
            }
            copy.put(path, value);
        });
        return Collections.unmodifiableMap(copy);
    }

    private static <E extends Enum<E>> Set<E> immutableEnumSet(Collection<E> values, Class<E> type) {
        if (values == null || values.isEmpty()) {
            return Collections.unmodifiableSet(EnumSet.noneOf(type));
        }
        for (E value : values) {
            Objects.requireNonNull(value, "a " + type.getSimpleName() + " must not be null");
        }
        return Collections.unmodifiableSet(EnumSet.copyOf(values));
    }

    /** Builds a {@link LogQuery}. Not thread-safe. */
    public static final class Builder {
        private Integer serviceId;
        private String serviceName;
        private String containerId;
        private final Set<LogLevel> levels = EnumSet.noneOf(LogLevel.class);
        private final Set<SourceType> sourceTypes = EnumSet.noneOf(SourceType.class);
        private Instant since;
        private Instant until;
        private Integer limit;
        private String afterId;
        private String deviceId;
        // Kept as given (possibly a query's prepared lists, so toBuilder().build() prepares
        // nothing again) until changed; copied on the first change.
        private List<String> search = List.of();
        private List<String> exclude = List.of();
        private List<String> regex = List.of();
        private Map<String, String> fields = Map.of();

        private Builder() {
        }

        public Builder serviceId(Integer serviceId) {
            this.serviceId = serviceId;
            return this;
        }

        public Builder serviceName(String serviceName) {
            this.serviceName = serviceName;
            return this;
        }

        /** A full container id or a prefix of one. */
        public Builder containerId(String containerId) {
            this.containerId = containerId;
            return this;
        }

        /** Adds one accepted level (any of the added levels matches). */
        public Builder level(LogLevel level) {
            levels.add(Objects.requireNonNull(level, "level"));
            return this;
        }

        /** Replaces the accepted levels; empty accepts any. */
        public Builder levels(Collection<LogLevel> levels) {
            this.levels.clear();
            levels.forEach(this::level);
            return this;
        }

        /** Adds one accepted source type (any of the added types matches). */
        public Builder sourceType(SourceType sourceType) {
            sourceTypes.add(Objects.requireNonNull(sourceType, "sourceType"));
            return this;
        }

        /** Replaces the accepted source types; empty accepts any. */
        public Builder sourceTypes(Collection<SourceType> sourceTypes) {
            this.sourceTypes.clear();
            sourceTypes.forEach(this::sourceType);
            return this;
        }

        /** Inclusive lower bound on the timestamp. */
        public Builder since(Instant since) {
            this.since = since;
            return this;
        }

        /** Inclusive lower bound in epoch milliseconds, as the REST API takes it. */
        public Builder sinceMillis(long sinceMillis) {
            return since(Instant.ofEpochMilli(sinceMillis));
        }

        /** Exclusive upper bound on the timestamp. */
        public Builder until(Instant until) {
            this.until = until;
            return this;
        }

        /** Exclusive upper bound in epoch milliseconds, as the REST API takes it. */
        public Builder untilMillis(long untilMillis) {
            return until(Instant.ofEpochMilli(untilMillis));
        }

        /**
         * Return at most {@code limit} matching messages: the newest, or with {@link #afterId}
         * the first after the cursor; null for all.
         */
        public Builder limit(Integer limit) {
            this.limit = limit;
            return this;
        }

        /** Only messages stored after the message with this {@code log-N} id. */
        public Builder afterId(String afterId) {
            this.afterId = afterId;
            return this;
        }

        /** Only messages of this device (exact match); null for any. */
        public Builder deviceId(String deviceId) {
            this.deviceId = deviceId;
            return this;
        }

        /**
         * Adds a text the message must contain (all added must): smart case, ignoring case unless
         * {@code text} has an upper-case letter. Checked at {@link #build()}: not null, not empty.
         */
        public Builder search(String text) {
            search = added(search, text);
            return this;
        }

        /** Replaces the search texts; empty for none. */
        public Builder search(Collection<String> texts) {
            search = new ArrayList<>(texts);
            return this;
        }

        /**
         * Adds a text the message must not contain (none added may): the same smart case as
         * {@link #search(String)}.
         */
        public Builder exclude(String text) {
            exclude = added(exclude, text);
            return this;
        }

        /** Replaces the excluded texts; empty for none. */
        public Builder exclude(Collection<String> texts) {
            exclude = new ArrayList<>(texts);
            return this;
        }

        /**
         * Adds an RE2 pattern that must match somewhere in the message (all added must). Compiled
         * at {@link #build()}, which throws {@link IllegalArgumentException} quoting a pattern
         * that is invalid or uses what RE2 does not support (backreferences, lookaround).
         */
        public Builder regex(String pattern) {
            regex = added(regex, pattern);
            return this;
        }

        /** Replaces the regex patterns; empty for none. */
        public Builder regex(Collection<String> patterns) {
            regex = new ArrayList<>(patterns);
            return this;
        }

        /**
         * Requires the field at {@code path} (a dotted path such as {@code http.status}) to have
         * {@code value} as its JSON text ({@link LogFields#text(String)}): {@code "500"} matches
         * the number 500 and the string "500", {@code "true"} the boolean. Setting a path again
         * replaces its value.
         */
        public Builder field(String path, String value) {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(value, "value");
            Map<String, String> copy = new LinkedHashMap<>(fields);
            copy.put(path, value);
            fields = copy;
            return this;
        }

        /** Replaces the field criteria; empty for none. */
        public Builder fields(Map<String, String> fields) {
            this.fields = new LinkedHashMap<>(fields);
            return this;
        }

        private static List<String> added(List<String> list, String value) {
            List<String> copy = new ArrayList<>(list.size() + 1);
            copy.addAll(list);
            copy.add(value);
            return copy;
        }

        /**
         * @throws IllegalArgumentException if since is after until, limit is negative, containerId
         *     is empty, afterId is not a {@code log-N} id, a search or exclude text is empty, a
         *     regex is empty, invalid or unsupported (the message quotes it), or a field path is
         *     empty
         * @throws NullPointerException if a search, exclude or regex text or a field value is null
         */
        public LogQuery build() {
            return new LogQuery(serviceId, serviceName, containerId, levels, sourceTypes, since,
                    until, limit, afterId, deviceId, search, exclude, regex, fields);
        }
    }
}

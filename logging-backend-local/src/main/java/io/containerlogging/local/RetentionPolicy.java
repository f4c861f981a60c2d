package io.containerlogging.local;

import io.containerlogging.core.LogLevel;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long messages are kept, per service name and per level, on top of the backend's
 * {@link LocalLogBackend.Builder#maxAge(Duration) maxAge} (which applies to everything no rule
 * names). Immutable and thread-safe.
 *
 * <p>A message's age limit is its service's age ({@link Builder#service(String, Duration)}, else
 * {@code maxAge}), lengthened by every level rule that matches it: a level rule applies to
 * messages at its level <em>or above</em> ({@code debug < info < warn < error}), of one service
 * ({@link Builder#service(String, LogLevel, Duration)}) or of all ({@link Builder#level(LogLevel,
 * Duration)}), and can only make the age longer. "Keep errors for 7 days, the rest for 1":
 * {@code maxAge(1d)} and {@code level(WARN, 7d)}; "debug lines of web only for an hour, its info
 * and above for a day": {@code service("web", 1h)} and {@code service("web", INFO, 1d)}.
 *
 * <p>The text form ({@link #parse(String)}), used by the example server's {@code LOG_RETENTION}:
 * comma-separated {@code selector=duration} entries, where the selector is {@code service},
 * {@code service@level} or {@code *@level}, and the duration is a number with {@code ms},
 * {@code s}, {@code m}, {@code h} or {@code d}: {@code web=1h,db=7d,*@warn=7d}.
 */
public final class RetentionPolicy {

    /** No rules: every message is kept for {@code maxAge}. */
    public static final RetentionPolicy NONE = new Builder().build();

    private static final Pattern ENTRY = Pattern.compile("([^=@\\s]+)(?:@([a-zA-Z]+))?=(\\d{1,12})(ms|s|m|h|d)");

    private final Map<String, Duration> services;
    private final Map<String, EnumMap<LogLevel, Duration>> serviceLevels;
    private final EnumMap<LogLevel, Duration> levels;

    private RetentionPolicy(Builder builder) {
        this.services = Map.copyOf(builder.services);
        Map<String, EnumMap<LogLevel, Duration>> copy = new HashMap<>();
        builder.serviceLevels.forEach((name, rules) -> copy.put(name, new EnumMap<>(rules)));
        this.serviceLevels = copy;
        this.levels = new EnumMap<>(builder.levels);
    }

    /**
     * A builder without rules.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads the text form, e.g. {@code web=1h,db=7d,*@warn=7d,web@error=30d}; blank means
     * {@link #NONE}.
     *
     * @param text the rules
     * @return the policy
     * @throws IllegalArgumentException quoting the first entry that is not a rule, or a service
     *     or level given twice
     */
    public static RetentionPolicy parse(String text) {
        Objects.requireNonNull(text, "text");
        Builder builder = builder();
        if (text.isBlank()) {
            return builder.build();
        }
        for (String part : text.split(",")) {
            String entry = part.trim();
            Matcher m = ENTRY.matcher(entry);
            if (!m.matches()) {
                throw new IllegalArgumentException("not a retention rule: '" + entry
                        + "' (expected service=duration, service@level=duration or *@level=duration,"
                        + " with a duration like 90s, 30m, 1h or 7d)");
            }
            Duration age = duration(Long.parseLong(m.group(3)), m.group(4));
            if (age.isZero()) {
                throw new IllegalArgumentException("retention must be positive: '" + entry + "'");
            }
            String service = m.group(1);
            if (m.group(2) == null) {
                if (service.equals("*")) {
                    throw new IllegalArgumentException("'" + entry + "': the age of all services is maxAge"
                            + " (LOG_MAX_AGE); '*' only goes with a level, as in *@warn=7d");
                }
                builder.service(service, age);
            } else {
                LogLevel level;
                try {
                    level = LogLevel.fromWireName(m.group(2).toLowerCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("'" + entry + "': " + e.getMessage(), e);
                }
                if (service.equals("*")) {
                    builder.level(level, age);
                } else {
                    builder.service(service, level, age);
                }
            }
        }
        return builder.build();
    }

    /** {@code amount} of {@code unit} ({@code ms}, {@code s}, {@code m}, {@code h}, else days): the ages of rules and of {@code keep-<age>} directories. */
    static Duration duration(long amount, String unit) {
        switch (unit) {
            case "ms":
                return Duration.ofMillis(amount);
            case "s":
                return Duration.ofSeconds(amount);
            case "m":
                return Duration.ofMinutes(amount);
            case "h":
                return Duration.ofHours(amount);
            default:
                return Duration.ofDays(amount);
        }
    }

    /**
     * How long a message of {@code serviceName} at {@code level} is kept.
     *
     * @param maxAge the age of messages no rule names
     * @param serviceName the message's service name, or null
     * @param level the message's level
     * @return the age limit
     */
    Duration maxAge(Duration maxAge, String serviceName, LogLevel level) {
        Duration age = maxAge;
        EnumMap<LogLevel, Duration> own = null;
        if (serviceName != null) {
            age = services.getOrDefault(serviceName, maxAge);
            own = serviceLevels.get(serviceName);
        }
        if (!levels.isEmpty()) {
            age = longest(age, levels, level);
        }
        if (own != null) {
            age = longest(age, own, level);
        }
        return age;
    }

    private static Duration longest(Duration age, EnumMap<LogLevel, Duration> rules, LogLevel level) {
        Duration result = age;
        for (Map.Entry<LogLevel, Duration> rule : rules.entrySet()) {
            if (rule.getKey().compareTo(level) <= 0 && rule.getValue().compareTo(result) > 0) {
                result = rule.getValue();
            }
        }
        return result;
    }

    /** Every age a message can get under this policy with {@code maxAge} as the default, shortest first. */
    TreeSet<Duration> ages(Duration maxAge) {
        TreeSet<Duration> ages = new TreeSet<>();
        ages.add(maxAge);
        ages.addAll(services.values());
        ages.addAll(levels.values());
        serviceLevels.values().forEach(rules -> ages.addAll(rules.values()));
        return ages;
    }

    /** Whether there is no rule. */
    boolean isEmpty() {
        return services.isEmpty() && serviceLevels.isEmpty() && levels.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RetentionPolicy other && services.equals(other.services)
                && serviceLevels.equals(other.serviceLevels) && levels.equals(other.levels);
    }

    @Override
    public int hashCode() {
        return Objects.hash(services, serviceLevels, levels);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        services.forEach((name, age) -> text.append(text.length() == 0 ? "" : ",").append(name).append('=')
                .append(label(age)));
        serviceLevels.forEach((name, rules) -> rules.forEach((level, age) -> text.append(text.length() == 0 ? "" : ",")
                .append(name).append('@').append(level.wireName()).append('=').append(label(age))));
        levels.forEach((level, age) -> text.append(text.length() == 0 ? "" : ",").append("*@")
                .append(level.wireName()).append('=').append(label(age)));
        return "RetentionPolicy[" + text + "]";
    }

    /** A short, file-name-safe form of {@code age}: {@code 7d}, {@code 36h}, {@code 90s}, {@code 1500ms}. */
    static String label(Duration age) {
        long millis = age.toMillis();
        long[] units = {86_400_000L, 3_600_000L, 60_000L, 1000L};
        String[] names = {"d", "h", "m", "s"};
        for (int i = 0; i < units.length; i++) {
            if (millis % units[i] == 0) {
                return (millis / units[i]) + names[i];
            }
        }
        return millis + "ms";
    }

    /** Collects rules; each service, and each level of a service, at most once. Not thread-safe. */
    public static final class Builder {
        private final Map<String, Duration> services = new HashMap<>();
        private final Map<String, EnumMap<LogLevel, Duration>> serviceLevels = new HashMap<>();
        private final EnumMap<LogLevel, Duration> levels = new EnumMap<>(LogLevel.class);

        private Builder() {
        }

        /**
         * Keeps messages of {@code serviceName} for {@code maxAge} instead of the backend's maxAge.
         *
         * @param serviceName the service name as messages carry it
         * @param maxAge at least one millisecond
         * @return this builder
         * @throws NullPointerException if an argument is null
         * @throws IllegalArgumentException if the age is under a millisecond
         * @throws IllegalStateException if the service already has an age
         */
        public Builder service(String serviceName, Duration maxAge) {
            Objects.requireNonNull(serviceName, "serviceName");
            if (services.putIfAbsent(serviceName, checked(maxAge)) != null) {
                throw new IllegalStateException("retention of service '" + serviceName + "' given twice");
            }
            return this;
        }

        /**
         * Keeps messages of {@code serviceName} at {@code level} or above for at least {@code maxAge}.
         *
         * @param serviceName the service name as messages carry it
         * @param level the lowest level the rule applies to
         * @param maxAge at least one millisecond
         * @return this builder
         * @throws NullPointerException if an argument is null
         * @throws IllegalArgumentException if the age is under a millisecond
         * @throws IllegalStateException if this service and level already have an age
         */
        public Builder service(String serviceName, LogLevel level, Duration maxAge) {
            Objects.requireNonNull(serviceName, "serviceName");
            Objects.requireNonNull(level, "level");
            if (serviceLevels.computeIfAbsent(serviceName, name -> new EnumMap<>(LogLevel.class))
                    .putIfAbsent(level, checked(maxAge)) != null) {
                throw new IllegalStateException("retention of service '" + serviceName + "' at " + level.wireName()
                        + " given twice");
            }
            return this;
        }

        /**
         * Keeps messages of every service at {@code level} or above for at least {@code maxAge}.
         *
         * @param level the lowest level the rule applies to
         * @param maxAge at least one millisecond
         * @return this builder
         * @throws NullPointerException if an argument is null
         * @throws IllegalArgumentException if the age is under a millisecond
         * @throws IllegalStateException if this level already has an age
         */
        public Builder level(LogLevel level, Duration maxAge) {
            Objects.requireNonNull(level, "level");
            if (levels.putIfAbsent(level, checked(maxAge)) != null) {
                throw new IllegalStateException("retention at " + level.wireName() + " given twice");
            }
            return this;
        }

        private static Duration checked(Duration maxAge) {
            Objects.requireNonNull(maxAge, "maxAge");
            if (maxAge.toMillis() < 1) {
                throw new IllegalArgumentException("maxAge must be at least 1 ms, was " + maxAge);
            }
            return maxAge.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        }

        /**
         * The policy.
         *
         * @return an immutable policy
         */
        public RetentionPolicy build() {
            return new RetentionPolicy(this);
        }
    }
}

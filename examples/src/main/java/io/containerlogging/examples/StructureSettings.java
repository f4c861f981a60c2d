package io.containerlogging.examples;

import io.containerlogging.core.structure.RedactionRule;
import io.containerlogging.core.structure.StructureOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The example server's structure settings, read from environment variables (see docs/structure.md).
 *
 * <table>
 * <caption>Environment variables</caption>
 * <tr><th>variable</th><th>default</th><th>meaning</th></tr>
 * <tr><td>LOG_FIELDS</td><td>on</td><td>{@code on}/{@code off}: JSON and logfmt lines get their fields</td></tr>
 * <tr><td>LOG_LEVELS</td><td>content</td><td>{@code content}: the level a line names, else its stream's;
 *     {@code stream}: stdout info, stderr error</td></tr>
 * <tr><td>LOG_MULTILINE</td><td>on</td><td>{@code on}, {@code off}, {@code only:svc1,svc2} or
 *     {@code except:svc1,svc2} (service names): group stack traces into one message</td></tr>
 * <tr><td>LOG_MULTILINE_TIMEOUT</td><td>200ms</td><td>how long a line waits for its continuation</td></tr>
 * <tr><td>LOG_REDACT</td><td>builtin</td><td>{@code builtin} (all built-in rules), {@code none} (only
 *     {@code LOG_REDACT_RULE_*}), {@code off} (no redaction at all), or built-in rule names separated by
 *     commas: {@code bearer-token}, {@code url-password}, {@code aws-access-key}, {@code private-key}</td></tr>
 * <tr><td>LOG_REDACT_RULE_&lt;NAME&gt;</td><td>unset</td><td>a rule of your own: a Java regular expression
 *     whose matches become {@code [REDACTED]}; counted as {@code <name>} (lower case)</td></tr>
 * </table>
 *
 * @param fields whether lines get fields
 * @param levels whether levels come from the content
 * @param multiline {@code on}, {@code off}, {@code only} or {@code except}
 * @param services the services of {@code only} or {@code except}
 * @param flushTimeout the multiline flush timeout
 * @param builtIn the built-in redaction rules by name
 * @param rules the user's rules: name to regular expression, sorted by name
 */
public record StructureSettings(boolean fields, boolean levels, String multiline, Set<String> services,
        Duration flushTimeout, List<String> builtIn, Map<String, String> rules) {

    static final String RULE_PREFIX = "LOG_REDACT_RULE_";

    private static final Map<String, RedactionRule> BUILT_IN = new LinkedHashMap<>();

    static {
        for (RedactionRule rule : RedactionRule.BUILT_IN) {
            BUILT_IN.put(rule.name(), rule);
        }
    }

    /** Every default: fields, levels from content, multiline for every service, the built-in redaction rules. */
    public static final StructureSettings DEFAULT = new StructureSettings(true, true, "on", Set.of(),
            StructureOptions.DEFAULT_FLUSH_TIMEOUT, List.copyOf(BUILT_IN.keySet()), Map.of());

    public StructureSettings {
        services = Set.copyOf(services);
        builtIn = List.copyOf(builtIn);
        rules = Map.copyOf(rules);
    }

    /**
     * Reads the settings.
     *
     * @param flushTimeout the parsed {@code LOG_MULTILINE_TIMEOUT} (or the default)
     * @throws IllegalArgumentException naming the variable and quoting its value if one is invalid
     */
    static StructureSettings fromEnvironment(Map<String, String> env, Duration flushTimeout) {
        boolean fields = choice(env, "LOG_FIELDS", "on", "on", "off").equals("on");
        boolean levels = choice(env, "LOG_LEVELS", "content", "content", "stream").equals("content");
        String multilineText = ExampleServerConfig.text(env, "LOG_MULTILINE", "on");
        String multiline;
        Set<String> services = Set.of();
        String lower = multilineText.toLowerCase(Locale.ROOT);
        if (lower.equals("on") || lower.equals("off")) {
            multiline = lower;
        } else if (lower.startsWith("only:") || lower.startsWith("except:")) {
            multiline = lower.substring(0, lower.indexOf(':'));
            services = names(multilineText.substring(multilineText.indexOf(':') + 1), "LOG_MULTILINE", multilineText);
        } else {
            throw ExampleServerConfig.invalid("LOG_MULTILINE", multilineText, "must be on, off, only:<services> or except:<services>");
        }
        String redact = ExampleServerConfig.text(env, "LOG_REDACT", "builtin").toLowerCase(Locale.ROOT);
        List<String> builtIn = new ArrayList<>();
        boolean off = false;
        switch (redact) {
            case "builtin":
                builtIn.addAll(BUILT_IN.keySet());
                break;
            case "none":
                break;
            case "off":
                off = true;
                break;
            default:
                for (String name : names(redact, "LOG_REDACT", env.get("LOG_REDACT"))) {
                    if (!BUILT_IN.containsKey(name)) {
                        throw ExampleServerConfig.invalid("LOG_REDACT", env.get("LOG_REDACT"), "unknown rule '" + name
                                + "' (expected builtin, none, off or names from " + BUILT_IN.keySet() + ")");
                    }
                }
                for (String name : redact.split(",")) {
                    builtIn.add(name.trim());
                }
        }
        Map<String, String> rules = new TreeMap<>();
        for (Map.Entry<String, String> entry : env.entrySet()) {
            if (!entry.getKey().startsWith(RULE_PREFIX)) {
                continue;
            }
            String name = entry.getKey().substring(RULE_PREFIX.length()).toLowerCase(Locale.ROOT);
            if (name.isEmpty() || BUILT_IN.containsKey(name.replace('_', '-'))) {
                throw ExampleServerConfig.invalid(entry.getKey(), entry.getValue(), "needs a name of its own after " + RULE_PREFIX);
            }
            try {
                Pattern.compile(entry.getValue());
            } catch (PatternSyntaxException e) {
                throw ExampleServerConfig.invalid(entry.getKey(), entry.getValue(), "not a regular expression: " + e.getDescription());
            }
            if (entry.getValue().isEmpty()) {
                throw ExampleServerConfig.invalid(entry.getKey(), entry.getValue(), "must not be empty");
            }
            if (!off) {
                rules.put(name, entry.getValue());
            }
        }
        return new StructureSettings(fields, levels, multiline, services, flushTimeout, builtIn, rules);
    }

    /** These settings as the monitor's options. */
    public StructureOptions toOptions() {
        List<RedactionRule> redaction = new ArrayList<>();
        builtIn.forEach(name -> redaction.add(BUILT_IN.get(name)));
        rules.forEach((name, regex) -> redaction.add(RedactionRule.of(name, regex, RedactionRule.REDACTED)));
        StructureOptions.Builder builder = StructureOptions.builder().fields(fields).levels(levels)
                .flushTimeout(flushTimeout).redaction(redaction);
        switch (multiline) {
            case "off":
                builder.multiline(false);
                break;
            case "only":
                builder.multiline(services::contains);
                break;
            case "except":
                builder.multiline(service -> !services.contains(service));
                break;
            default:
                builder.multiline(true);
        }
        return builder.build();
    }

    private static String choice(Map<String, String> env, String name, String fallback, String... allowed) {
        String value = ExampleServerConfig.text(env, name, fallback).toLowerCase(Locale.ROOT);
        for (String option : allowed) {
            if (option.equals(value)) {
                return value;
            }
        }
        throw ExampleServerConfig.invalid(name, env.get(name), "must be " + String.join(" or ", allowed));
    }

    private static Set<String> names(String list, String variable, String value) {
        Set<String> names = new java.util.LinkedHashSet<>();
        for (String part : list.split(",")) {
            String name = part.trim();
            if (name.isEmpty()) {
                throw ExampleServerConfig.invalid(variable, value, "expected names separated by commas");
            }
            names.add(name);
        }
        return names;
    }
}

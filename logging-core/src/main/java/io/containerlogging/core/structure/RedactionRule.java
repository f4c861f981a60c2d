package io.containerlogging.core.structure;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One redaction rule: every match of {@code pattern} in a message (and in its string fields) is
 * replaced by {@code replacement} before the message is stored, streamed or forwarded.
 *
 * <p>Patterns are {@link java.util.regex} patterns from the operator (trusted configuration), but
 * they run against untrusted lines, so each match is bounded: a rule that needs more than a fixed
 * budget of steps for a message gives up, and the message text is then replaced as a whole by
 * {@code [redaction failed: <name>]} — a secret is never let through because a pattern was slow.
 *
 * @param name the rule's name, as its count is reported ({@link StructureStage#redactions()})
 * @param pattern what to replace
 * @param replacement the replacement, with {@code $1}-style group references as in
 *     {@link java.util.regex.Matcher#replaceAll(String)}
 */
public record RedactionRule(String name, Pattern pattern, String replacement) {

    /** The replacement of the built-in rules. */
    public static final String REDACTED = "[REDACTED]";

    /**
     * Validates the rule.
     *
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the name is blank
     */
    public RedactionRule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(replacement, "replacement");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a redaction rule needs a name");
        }
    }

    /**
     * A rule from a pattern's text.
     *
     * @throws java.util.regex.PatternSyntaxException if {@code regex} is not a valid pattern
     */
    public static RedactionRule of(String name, String regex, String replacement) {
        return new RedactionRule(name, Pattern.compile(Objects.requireNonNull(regex, "regex")), replacement);
    }

    /** Bearer tokens in HTTP authorization headers: {@code Bearer eyJ...} keeps {@code Bearer }. */
    public static final RedactionRule BEARER_TOKEN = new RedactionRule("bearer-token",
            Pattern.compile("(?i)\\b(bearer\\s+)[A-Za-z0-9\\-._~+/]{8,}=*"), "$1" + REDACTED);

    /** Passwords in URLs: {@code postgres://app:s3cret@db} keeps the user and the host. */
    public static final RedactionRule URL_PASSWORD = new RedactionRule("url-password",
            Pattern.compile("\\b([A-Za-z][A-Za-z0-9+.\\-]{0,30}://[^:/@\\s\"']{1,128}:)[^@/\\s\"']{1,256}@"),
            "$1" + REDACTED + "@");

    /** AWS access key ids ({@code AKIA…}, {@code ASIA…}: 20 upper-case letters and digits). */
    public static final RedactionRule AWS_ACCESS_KEY = new RedactionRule("aws-access-key",
            Pattern.compile("\\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\\b"), REDACTED);

    /**
     * PEM private-key blocks, from {@code -----BEGIN … PRIVATE KEY-----} to the matching END line
     * or, without one, to the end of the message (a block printed line by line is one message when
     * multiline grouping is on).
     */
    public static final RedactionRule PRIVATE_KEY = new RedactionRule("private-key",
            Pattern.compile("-----BEGIN ([A-Z ]{0,20})PRIVATE KEY-----(?s:.*?)(?:-----END [A-Z ]{0,20}PRIVATE KEY-----|\\z)"),
            "-----BEGIN $1PRIVATE KEY-----" + REDACTED + "-----END $1PRIVATE KEY-----");

    /** The built-in rules: bearer tokens, URL passwords, AWS access keys, private-key blocks. */
    public static final List<RedactionRule> BUILT_IN = List.of(BEARER_TOKEN, URL_PASSWORD, AWS_ACCESS_KEY, PRIVATE_KEY);
}

package io.containerlogging.core.structure;

import io.containerlogging.core.LogFields;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Matcher;

/**
 * Applies the redaction rules to a text, counting replacements per rule. Each rule runs against a
 * {@link Budget} view of the text, so a pattern that backtracks badly on a hostile line stops after
 * {@value #STEPS_PER_CHAR} steps per character (plus a constant); the text is then replaced whole
 * (fail closed). Built-in rules are skipped when the text lacks their literal marker.
 *
 * <p>Thread-safety: thread-safe; the counters are atomic.
 */
final class Redactor {

    static final int STEPS_PER_CHAR = 64;
    static final int BASE_STEPS = 10_000;

    private final RedactionRule[] rules;
    private final AtomicLongArray replaced;
    private final AtomicLongArray gaveUp;

    Redactor(List<RedactionRule> rules) {
        this.rules = rules.toArray(new RedactionRule[0]);
        this.replaced = new AtomicLongArray(this.rules.length);
        this.gaveUp = new AtomicLongArray(this.rules.length);
    }

    boolean isEmpty() {
        return rules.length == 0;
    }

    /** {@code text} with every rule applied in order; the same instance if nothing matched. */
    String apply(String text) {
        for (int r = 0; r < rules.length; r++) {
            RedactionRule rule = rules[r];
            if (!mayMatch(rule, text)) {
                continue;
            }
            Budget budget = new Budget(text, (long) STEPS_PER_CHAR * text.length() + BASE_STEPS);
            try {
                Matcher matcher = rule.pattern().matcher(budget);
                if (!matcher.find()) {
                    continue;
                }
                StringBuilder out = new StringBuilder(text.length());
                int count = 0;
                do {
                    matcher.appendReplacement(out, rule.replacement());
                    count++;
                } while (matcher.find());
                matcher.appendTail(out);
                replaced.addAndGet(r, count);
                text = out.toString();
            } catch (Budget.Exhausted e) {
                gaveUp.incrementAndGet(r);
                return "[redaction failed: " + rule.name() + "]";
            }
        }
        return text;
    }

    /** {@code fields} with every string value redacted; the same instance if nothing changed. */
    LogFields apply(LogFields fields) {
        LogFields.Builder out = null;
        for (int i = 0; i < fields.size(); i++) {
            Object value = fields.value(i);
            if (value instanceof String s) {
                String redacted = apply(s);
                if (redacted != s && out == null) {
                    out = LogFields.builder();
                    for (int j = 0; j < i; j++) {
                        out.put(fields.key(j), fields.value(j));
                    }
                }
                value = redacted;
            }
            if (out != null) {
                out.put(fields.key(i), value);
            }
        }
        return out == null ? fields : out.build();
    }

    /** Replacements per rule name; a rule that gave up on a message counts under {@code <name>.failed}. */
    Map<String, Long> counts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (int r = 0; r < rules.length; r++) {
            counts.put(rules[r].name(), replaced.get(r));
            if (gaveUp.get(r) > 0) {
                counts.put(rules[r].name() + ".failed", gaveUp.get(r));
            }
        }
        return counts;
    }

    private static boolean mayMatch(RedactionRule rule, String text) {
        if (rule == RedactionRule.BEARER_TOKEN) {
            return text.contains("earer") || text.contains("EARER");
        }
        if (rule == RedactionRule.URL_PASSWORD) {
            return text.contains("://");
        }
        if (rule == RedactionRule.AWS_ACCESS_KEY) {
            return text.contains("IA") || text.contains("BIA") || text.contains("CCA");
        }
        if (rule == RedactionRule.PRIVATE_KEY) {
            return text.contains("PRIVATE KEY-----");
        }
        return true;
    }

    /** A text that counts the characters a matcher reads and stops it past a budget. */
    static final class Budget implements CharSequence {

        /** Thrown when the budget is spent; no stack trace, it is expected. */
        static final class Exhausted extends RuntimeException {
            Exhausted() {
                super("redaction budget exhausted", null, false, false);
            }
        }

        private final String text;
        private final int offset;
        private final int length;
        private final long[] left;

        Budget(String text, long steps) {
            this(text, 0, text.length(), new long[] {steps});
        }

        private Budget(String text, int offset, int length, long[] left) {
            this.text = text;
            this.offset = offset;
            this.length = length;
            this.left = left;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public char charAt(int index) {
            if (--left[0] < 0) {
                throw new Exhausted();
            }
            return text.charAt(offset + index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Budget(text, offset + start, end - start, left);
        }

        @Override
        public String toString() {
            return text.substring(offset, offset + length);
        }
    }
}

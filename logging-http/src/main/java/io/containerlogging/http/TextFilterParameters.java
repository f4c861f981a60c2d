package io.containerlogging.http;

import io.containerlogging.core.LogQuery;
import java.util.List;
import java.util.Map;

/**
 * The filter language's query parameters ({@code search}, {@code exclude}, {@code regex},
 * {@code field.<path>}; docs/search.md): parsing and the bounds a hostile client meets.
 */
final class TextFilterParameters {

    /** {@code field.<path>=<value>}: an exact match on a parsed field. */
    static final String FIELD_PREFIX = "field.";
    /**
     * The most {@code search}, {@code exclude}, {@code regex} and {@code field.*} parameters one
     * request may give, together: each costs a scan of every candidate message.
     */
    static final int MAX_TEXT_FILTERS = 16;
    /** The longest {@code search}, {@code exclude} or {@code regex} value, or field path or value. */
    static final int MAX_TEXT_FILTER_CHARS = 1024;

    private TextFilterParameters() {
    }

    /**
     * Reads search, exclude, regex and field.&lt;path&gt; into {@code builder}: bounded in number
     * and length, each pattern compiled to refuse it here, by name.
     *
     * @throws ApiException (400) naming the parameter at fault
     */
    static void apply(QueryParameters parameters, LogQuery.Builder builder) {
        List<String> search = parameters.all("search");
        List<String> exclude = parameters.all("exclude");
        List<String> regex = parameters.all("regex");
        Map<String, String> fields = parameters.prefixed(FIELD_PREFIX);
        int count = search.size() + exclude.size() + regex.size() + fields.size();
        if (count > MAX_TEXT_FILTERS) {
            String parameter = search.size() > MAX_TEXT_FILTERS / 2 ? "search"
                    : exclude.size() > MAX_TEXT_FILTERS / 2 ? "exclude"
                    : regex.size() > MAX_TEXT_FILTERS / 2 ? "regex" : "field.";
            throw ApiException.badRequest("at most " + MAX_TEXT_FILTERS + " search, exclude, regex and field."
                    + " parameters together, were " + count, parameter);
        }
        requireShort("search", search);
        requireShort("exclude", exclude);
        requireShort("regex", regex);
        for (Map.Entry<String, String> field : fields.entrySet()) {
            String parameter = ApiException.excerpt(FIELD_PREFIX + field.getKey());
            if (field.getKey().length() > MAX_TEXT_FILTER_CHARS || field.getValue().length() > MAX_TEXT_FILTER_CHARS) {
                throw ApiException.badRequest("parameter '" + parameter + "': field path and value may have at most "
                        + MAX_TEXT_FILTER_CHARS + " characters each", parameter);
            }
            builder.field(field.getKey(), field.getValue());
        }
        for (String pattern : regex) {
            try {
                LogQuery.builder().regex(pattern).build(); // compiles it: refuse it here, by name
            } catch (IllegalArgumentException e) {
                String why = e.getCause() instanceof RuntimeException && e.getCause().getMessage() != null
                        ? e.getCause().getMessage() : e.getMessage();
                String quoted = "regex '" + pattern + "' ";
                if (why.startsWith(quoted)) {
                    why = why.substring(quoted.length()); // it is quoted once, as an excerpt, below
                }
                // The reason may quote parts of the pattern (RE2/J does): bounded like any echo.
                if (why.length() > 3 * ApiException.EXCERPT_CHARS) {
                    why = why.substring(0, 3 * ApiException.EXCERPT_CHARS) + "...";
                }
                throw ApiException.badRequest("invalid or unsupported regex '" + ApiException.excerpt(pattern)
                        + "' (RE2 syntax): " + why.replaceAll("\\p{Cntrl}", "?"), "regex");
            }
        }
        builder.search(search).exclude(exclude).regex(regex);
    }

    private static void requireShort(String parameter, List<String> values) {
        for (String value : values) {
            if (value.length() > MAX_TEXT_FILTER_CHARS) {
                throw ApiException.badRequest("parameter '" + parameter + "' may have at most " + MAX_TEXT_FILTER_CHARS
                        + " characters, was " + value.length(), parameter);
            }
        }
    }
}

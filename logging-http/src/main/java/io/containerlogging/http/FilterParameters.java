package io.containerlogging.http;

import io.containerlogging.core.LogQuery;
import java.util.List;

/**
 * The REST API's filter parameters ({@code serviceName=web&level=error&search=timeout}...) read
 * outside a request, with the same names, rules and messages: for configuration that reuses the
 * API's language, such as a forwarder's filter written after its URI.
 */
public final class FilterParameters {

    /** The names of the filter parameters, besides those starting with {@link #FIELD_PREFIX}. */
    public static final List<String> NAMES = List.copyOf(LogApi.FILTER_PARAMETERS);
    /** The prefix of field filters: {@code field.<path>=<value>}. */
    public static final String FIELD_PREFIX = TextFilterParameters.FIELD_PREFIX;

    private FilterParameters() {
    }

    /**
     * Whether {@code name} is a filter parameter.
     *
     * @param name a decoded parameter name
     * @return true for one of {@link #NAMES} or a {@code field.} parameter
     */
    public static boolean isFilter(String name) {
        return NAMES.contains(name) || name.startsWith(FIELD_PREFIX);
    }

    /**
     * The query that a raw (still percent-encoded) query string of filter parameters describes.
     *
     * @param rawQuery e.g. {@code serviceName=web&level=error}; null or empty for every message
     * @return the query, without a limit
     * @throws IllegalArgumentException naming the bad parameter, as the API's 400 would
     */
    public static LogQuery parse(String rawQuery) {
        try {
            QueryParameters parameters = QueryParameters.parse(rawQuery);
            parameters.requireOnly(LogApi.FILTER_PARAMETERS, FIELD_PREFIX);
            return LogApi.filter(parameters).build();
        } catch (ApiException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}

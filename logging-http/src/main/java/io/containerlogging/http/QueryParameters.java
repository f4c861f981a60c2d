package io.containerlogging.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The decoded query string of one request, with the strict parsers every endpoint shares. Every
 * refusal is an {@link ApiException} (400) naming the parameter.
 */
final class QueryParameters {

    /**
     * What Docker accepts as a container id, id prefix or name: {@code [a-zA-Z0-9][a-zA-Z0-9_.-]*}.
     * Anything else (slashes, spaces, '%', control characters) cannot name a container.
     */
    static final Pattern CONTAINER_ID = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}");

    private static final QueryParameters EMPTY = new QueryParameters(Map.of());

    private final Map<String, List<String>> values;

    private QueryParameters(Map<String, List<String>> values) {
        this.values = values;
    }

    /** Parses a raw (still percent-encoded) query string; null or empty gives no parameters. */
    static QueryParameters parse(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return EMPTY;
        }
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq), null);
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1), name);
            values.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
        }
        return new QueryParameters(values);
    }

    private static String decode(String raw, String parameter) {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("malformed percent-encoding in the query string: '"
                    + ApiException.excerpt(raw) + "'", ApiException.excerpt(parameter));
        }
    }

    /** Every parameter by name, each with its values in order (unmodifiable). */
    Map<String, List<String>> values() {
        return java.util.Collections.unmodifiableMap(values);
    }

    /** Refuses the first parameter whose name is not in {@code allowed}. */
    void requireOnly(Collection<String> allowed) {
        requireOnly(allowed, null);
    }

    /**
     * Refuses the first parameter whose name is not in {@code allowed} and does not start with
     * {@code allowedPrefix} (null for none).
     */
    void requireOnly(Collection<String> allowed, String allowedPrefix) {
        for (String name : values.keySet()) {
            if (!allowed.contains(name) && (allowedPrefix == null || !name.startsWith(allowedPrefix))) {
                throw ApiException.badRequest("unknown parameter '" + ApiException.excerpt(name)
                        + "' (allowed here: " + String.join(", ", allowed)
                        + (allowedPrefix == null ? "" : ", " + allowedPrefix + "<path>") + ")",
                        ApiException.excerpt(name));
            }
        }
    }

    /**
     * The parameters named {@code prefix + suffix}, each given once, as suffix to value, in order.
     *
     * @throws ApiException if one is repeated, has an empty suffix or an empty value
     */
    Map<String, String> prefixed(String prefix) {
        Map<String, String> result = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> entry : values.entrySet()) {
            String name = entry.getKey();
            if (!name.startsWith(prefix)) {
                continue;
            }
            String parameter = ApiException.excerpt(name);
            if (name.length() == prefix.length()) {
                throw ApiException.badRequest("parameter '" + parameter + "' needs a field path after '"
                        + prefix + "', e.g. " + prefix + "status=500", parameter);
            }
            if (entry.getValue().size() > 1) {
                throw ApiException.badRequest("parameter '" + parameter + "' may be given only once", parameter);
            }
            result.put(name.substring(prefix.length()), requireNotEmpty(parameter, entry.getValue().get(0)));
        }
        return result;
    }

    /** Every value of a repeatable parameter, in order; empty if absent. */
    List<String> all(String name) {
        List<String> list = values.getOrDefault(name, List.of());
        for (String value : list) {
            requireNotEmpty(name, value);
        }
        return list;
    }

    /** The value of a parameter that may appear once, or null if absent. */
    String single(String name) {
        List<String> list = values.get(name);
        if (list == null) {
            return null;
        }
        if (list.size() > 1) {
            throw ApiException.badRequest("parameter '" + name + "' may be given only once", name);
        }
        return requireNotEmpty(name, list.get(0));
    }

    /** A parameter holding a non-negative int, or null if absent. */
    Integer nonNegativeInt(String name) {
        String value = single(name);
        if (value == null) {
            return null;
        }
        long parsed = parseNonNegative(value, name, Integer.MAX_VALUE);
        return (int) parsed;
    }

    /** A parameter holding a non-negative long, or null if absent. */
    Long nonNegativeLong(String name) {
        String value = single(name);
        return value == null ? null : parseNonNegative(value, name, Long.MAX_VALUE);
    }

    /** A container id, id prefix or name, or null if absent. */
    String containerId(String name) {
        String value = single(name);
        if (value != null) {
            requireContainerId(value, name);
        }
        return value;
    }

    static void requireContainerId(String value, String parameter) {
        if (!CONTAINER_ID.matcher(value).matches()) {
            throw ApiException.badRequest("'" + ApiException.excerpt(value) + "' is not a container id or name: Docker uses"
                    + " only letters, digits, '_', '.' and '-' (at most 128, starting with a letter"
                    + " or digit)", parameter);
        }
    }

    /**
     * Parses plain decimal digits only: no sign, no spaces, no exponent, so that "-1", "+1",
     * "1e3" and "0x10" are all refused instead of half-understood.
     */
    static long parseNonNegative(String value, String parameter, long max) {
        if (value.isEmpty() || value.length() > 19) {
            throw notANumber(value, parameter, max);
        }
        long result = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                throw notANumber(value, parameter, max);
            }
            result = result * 10 + (c - '0');
            if (result < 0 || result > max) {
                throw notANumber(value, parameter, max);
            }
        }
        return result;
    }

    private static ApiException notANumber(String value, String parameter, long max) {
        String why = value.startsWith("-") ? "must not be negative" : "must be a whole number from 0 to " + max;
        return ApiException.badRequest("parameter '" + parameter + "' " + why + ", was '"
                + ApiException.excerpt(value) + "'",
                parameter);
    }

    private static String requireNotEmpty(String name, String value) {
        if (value.isEmpty()) {
            throw ApiException.badRequest("parameter '" + name + "' must have a value", name);
        }
        return value;
    }
}

package io.containerlogging.core;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * The fields parsed from a structured log line (JSON or logfmt), or given with a manager event:
 * a flat, ordered, immutable map from a path to a scalar value. Nested keys are flattened to dotted
 * paths, so {@code {"http":{"status":500}}} becomes {@code http.status = 500}.
 *
 * <p>A value is a {@link String}, a {@link Boolean} or a {@link Number} (integers as {@link Long},
 * other numbers as {@link BigDecimal}, so that their text survives a round trip). {@link #text}
 * gives a value as its JSON text, which is how filters compare it: {@code status=500} matches the
 * number 500 and the string "500" alike.
 *
 * <p>Compact on purpose: two arrays, no map entries, since every stored message may carry one.
 */
public final class LogFields {

    private static final String[] NO_KEYS = new String[0];
    private static final Object[] NO_VALUES = new Object[0];
    private static final LogFields EMPTY = new LogFields(NO_KEYS, NO_VALUES);

    private final String[] keys;
    private final Object[] values;

    private LogFields(String[] keys, Object[] values) {
        this.keys = keys;
        this.values = values;
    }

    /** No fields. */
    public static LogFields empty() {
        return EMPTY;
    }

    /** A builder with no fields. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The fields of {@code map}, in its iteration order.
     *
     * @throws IllegalArgumentException if a key is empty or a value is not a String, Boolean or
     *     finite Number
     */
    public static LogFields of(Map<String, ?> map) {
        Builder builder = builder();
        map.forEach(builder::put);
        return builder.build();
    }

    /** The number of fields. */
    public int size() {
        return keys.length;
    }

    /** True if there are no fields. */
    public boolean isEmpty() {
        return keys.length == 0;
    }

    /** The path of the {@code index}-th field, in order. */
    public String key(int index) {
        return keys[index];
    }

    /** The value of the {@code index}-th field: a String, Boolean or Number. */
    public Object value(int index) {
        return values[index];
    }

    /** The value at {@code path}, or null if there is none. */
    public Object get(String path) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i].equals(path)) {
                return values[i];
            }
        }
        return null;
    }

    /**
     * The value at {@code path} as its JSON text without quotes ({@code 500}, {@code true},
     * {@code timeout}), or null if there is none.
     */
    public String text(String path) {
        Object value = get(path);
        return value == null ? null : textOf(value);
    }

    /** The JSON text of a field value, without quotes for a string. */
    public static String textOf(Object value) {
        if (value instanceof BigDecimal) {
            return ((BigDecimal) value).toString();
        }
        return value.toString();
    }

    /** Calls {@code action} with each path and value, in order. */
    public void forEach(BiConsumer<String, Object> action) {
        for (int i = 0; i < keys.length; i++) {
            action.accept(keys[i], values[i]);
        }
    }

    /** The fields as an unmodifiable map, in order. */
    public Map<String, Object> asMap() {
        Map<String, Object> map = new LinkedHashMap<>(keys.length * 2);
        forEach(map::put);
        return Collections.unmodifiableMap(map);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LogFields
                && Arrays.equals(keys, ((LogFields) other).keys)
                && Arrays.equals(values, ((LogFields) other).values);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(keys) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return asMap().toString();
    }

    /** Builds {@link LogFields}; a path put twice keeps its first position and its last value. Not thread-safe. */
    public static final class Builder {
        private String[] keys = NO_KEYS;
        private Object[] values = NO_VALUES;
        private int size;

        private Builder() {
        }

        /** Sets a string field. */
        public Builder put(String path, String value) {
            return putChecked(path, Objects.requireNonNull(value, "value"));
        }

        /** Sets a boolean field. */
        public Builder put(String path, boolean value) {
            return putChecked(path, value);
        }

        /** Sets a long field. */
        public Builder put(String path, long value) {
            return putChecked(path, value);
        }

        /**
         * Sets a field to a String, Boolean or Number (integral numbers become {@link Long}, others
         * {@link BigDecimal}).
         *
         * @throws IllegalArgumentException if the value is of another type, or a number that is not finite
         */
        public Builder put(String path, Object value) {
            Objects.requireNonNull(value, "value");
            if (value instanceof String || value instanceof Boolean || value instanceof Long) {
                return putChecked(path, value);
            }
            if (value instanceof BigDecimal) {
                return putChecked(path, integral((BigDecimal) value));
            }
            if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
                return putChecked(path, ((Number) value).longValue());
            }
            if (value instanceof Number) {
                double d = ((Number) value).doubleValue();
                if (Double.isNaN(d) || Double.isInfinite(d)) {
                    throw new IllegalArgumentException("field '" + path + "' is not a finite number: " + value);
                }
                BigDecimal decimal = new BigDecimal(value.toString());
                return putChecked(path, integral(decimal));
            }
            throw new IllegalArgumentException("field '" + path + "' must be a String, Boolean or Number, was "
                    + value.getClass().getName());
        }

        /** The number of distinct paths put so far. */
        public int size() {
            return size;
        }

        /** The fields. */
        public LogFields build() {
            return size == 0 ? EMPTY : new LogFields(Arrays.copyOf(keys, size), Arrays.copyOf(values, size));
        }

        private Builder putChecked(String path, Object value) {
            Objects.requireNonNull(path, "path");
            if (path.isEmpty()) {
                throw new IllegalArgumentException("a field path must not be empty");
            }
            for (int i = 0; i < size; i++) {
                if (keys[i].equals(path)) {
                    values[i] = value;
                    return this;
                }
            }
            if (size == keys.length) {
                int capacity = Math.max(4, size * 2);
                keys = Arrays.copyOf(keys, capacity);
                values = Arrays.copyOf(values, capacity);
            }
            keys[size] = path;
            values[size++] = value;
            return this;
        }

        private static Object integral(BigDecimal decimal) {
            if (decimal.scale() <= 0) {
                try {
                    return decimal.longValueExact();
                } catch (ArithmeticException tooBig) {
                    return decimal;
                }
            }
            return decimal;
        }
    }
}

package io.containerlogging.core.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * The checks every builder of the library makes on its durations, with the same messages: a
 * {@link NullPointerException} naming the setting, an {@link IllegalArgumentException} quoting the
 * bad value. For implementers' builders too, so that all settings fail alike.
 */
public final class SettingChecks {

    private SettingChecks() {
    }

    /**
     * {@code value}, if it is positive.
     *
     * @param value the setting's value
     * @param name the setting's name, for the message
     * @return {@code value}
     * @throws NullPointerException if {@code value} is null
     * @throws IllegalArgumentException if {@code value} is zero or negative
     */
    public static Duration positive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
        return value;
    }

    /**
     * {@code value}, if it is zero or positive.
     *
     * @param value the setting's value
     * @param name the setting's name, for the message
     * @return {@code value}
     * @throws NullPointerException if {@code value} is null
     * @throws IllegalArgumentException if {@code value} is negative
     */
    public static Duration notNegative(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, was " + value);
        }
        return value;
    }
}

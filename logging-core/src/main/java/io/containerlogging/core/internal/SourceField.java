package io.containerlogging.core.internal;

import io.containerlogging.core.LogSource;
import io.containerlogging.core.SourceType;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The fields of the wire format's {@link WireField#SOURCE} object, in the order they are written:
 * {@code {"type":"container","name":"web"}}. Both are strings; a null value is absent.
 */
public enum SourceField {

    /** The {@link SourceType}'s wire name; required. */
    TYPE("type", true) {
        @Override
        public String string(LogSource source) {
            return source.type().wireName();
        }
    },
    NAME("name", false) {
        @Override
        public String string(LogSource source) {
            return source.name();
        }
    };

    private static final List<SourceField> IN_ORDER = List.of(values());
    // (String text, int start, int length) -> SourceField; see NameMatcher
    private static final MethodHandle BY_NAME = NameMatcher.of(SourceField.class, IN_ORDER, SourceField::jsonName);

    /** {@link #inOrder()} as an array, for {@link Utf8Buffer}'s loop (no iterator per message); never modified. */
    static final SourceField[] ALL = values();

    private final String jsonName;
    private final boolean required;
    /** {@code ,"name":} in ASCII, for {@link Utf8Buffer}. */
    final byte[] nameBytes;

    SourceField(String jsonName, boolean required) {
        this.jsonName = jsonName;
        this.required = required;
        this.nameBytes = (",\"" + jsonName + "\":").getBytes(StandardCharsets.US_ASCII);
    }

    /** Every field, in the order encoders write them. */
    public static List<SourceField> inOrder() {
        return IN_ORDER;
    }

    /**
     * The field whose name is {@code text[start, start + length)}, or null if the source object
     * has none.
     */
    public static SourceField named(String text, int start, int length) {
        try {
            return (SourceField) BY_NAME.invokeExact(text, start, length);
        } catch (Throwable e) {
            throw new AssertionError("comparing names cannot fail", e);
        }
    }

    /** The field named {@code name}, or null if the source object has none. */
    public static SourceField named(String name) {
        return named(name, 0, name.length());
    }

    /** The field's JSON name. */
    public String jsonName() {
        return jsonName;
    }

    /** True if a decoder rejects a source without this field. */
    public boolean required() {
        return required;
    }

    /** The field's value in {@code source}, or null if absent. */
    public abstract String string(LogSource source);

    /**
     * A decoder's array for the values it reads: {@code values[field.ordinal()]}, null while absent;
     * {@link #toSource} makes the source of it.
     */
    public static String[] newValues() {
        return new String[IN_ORDER.size()];
    }

    /**
     * The source of the values a decoder read (see {@link #newValues()}).
     *
     * @throws IllegalArgumentException if a required field is missing or the type is unknown
     */
    public static LogSource toSource(String[] values) {
        for (SourceField field : IN_ORDER) {
            if (field.required && values[field.ordinal()] == null) {
                throw new IllegalArgumentException("not a log message: 'source." + field.jsonName + "' is missing");
            }
        }
        return new LogSource(SourceType.fromWireName(values[TYPE.ordinal()]), values[NAME.ordinal()]);
    }
}

package io.containerlogging.core.structure;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import io.containerlogging.core.LogFields;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;

/**
 * The fields of a JSON object line, nested keys flattened to dotted paths ({@code {"http":{"status":500}}}
 * gives {@code http.status}), array elements by index ({@code tags.0}), nulls left out. A line is
 * untrusted: at most {@code maxFields} fields are taken and values nested deeper than
 * {@code maxDepth} are skipped (gson's own nesting limit, 255, rejects deeper input as malformed);
 * a line that is not one JSON object, or has anything after it, gives null.
 */
final class JsonFields {

    // a number literal longer than this is kept as text: BigDecimal of a huge exponent is costly
    private static final int MAX_NUMBER_LENGTH = 40;

    private final int maxFields;
    private final int maxDepth;

    JsonFields(int maxFields, int maxDepth) {
        this.maxFields = maxFields;
        this.maxDepth = maxDepth;
    }

    /** The fields of {@code line}, or null if it is not a JSON object. */
    LogFields parse(String line) {
        try (JsonReader reader = new JsonReader(new StringReader(line))) {
            reader.setStrictness(Strictness.STRICT);
            if (reader.peek() != JsonToken.BEGIN_OBJECT) {
                return null;
            }
            LogFields.Builder fields = LogFields.builder();
            StringBuilder path = new StringBuilder();
            object(reader, fields, path, 1);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                return null;
            }
            return fields.build();
        } catch (IOException | IllegalStateException | NumberFormatException | ArithmeticException e) {
            return null; // malformed, truncated or too deep: the line stays text
        }
    }

    private void object(JsonReader reader, LogFields.Builder fields, StringBuilder path, int depth) throws IOException {
        reader.beginObject();
        while (reader.hasNext()) {
            int mark = path.length();
            String name = reader.nextName();
            if (mark > 0) {
                path.append('.');
            }
            path.append(name.isEmpty() ? "_" : name);
            value(reader, fields, path, depth);
            path.setLength(mark);
        }
        reader.endObject();
    }

    private void array(JsonReader reader, LogFields.Builder fields, StringBuilder path, int depth) throws IOException {
        reader.beginArray();
        int index = 0;
        while (reader.hasNext()) {
            int mark = path.length();
            path.append('.').append(index++);
            value(reader, fields, path, depth);
            path.setLength(mark);
        }
        reader.endArray();
    }

    private void value(JsonReader reader, LogFields.Builder fields, StringBuilder path, int depth) throws IOException {
        JsonToken token = reader.peek();
        boolean full = fields.size() >= maxFields;
        switch (token) {
            case BEGIN_OBJECT:
                if (depth >= maxDepth || full) {
                    reader.skipValue();
                } else {
                    object(reader, fields, path, depth + 1);
                }
                break;
            case BEGIN_ARRAY:
                if (depth >= maxDepth || full) {
                    reader.skipValue();
                } else {
                    array(reader, fields, path, depth + 1);
                }
                break;
            case STRING:
                String text = reader.nextString();
                if (!full) {
                    fields.put(path.toString(), text);
                }
                break;
            case NUMBER:
                String number = reader.nextString();
                if (!full) {
                    fields.put(path.toString(), number(number));
                }
                break;
            case BOOLEAN:
                boolean bool = reader.nextBoolean();
                if (!full) {
                    fields.put(path.toString(), bool);
                }
                break;
            default:
                reader.skipValue(); // null
                break;
        }
    }

    private static Object number(String literal) {
        if (literal.length() > MAX_NUMBER_LENGTH) {
            return literal;
        }
        boolean integral = true;
        for (int i = 0; i < literal.length(); i++) {
            char c = literal.charAt(i);
            if (c == '.' || c == 'e' || c == 'E') {
                integral = false;
                break;
            }
        }
        if (integral) {
            try {
                return Long.parseLong(literal);
            } catch (NumberFormatException tooBig) {
                return new BigDecimal(literal);
            }
        }
        return new BigDecimal(literal);
    }
}

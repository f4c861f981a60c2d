package io.containerlogging.docker;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.JsonSyntaxException;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.MalformedJsonException;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;

/**
 * gson's tree ({@link JsonElement}) of the Engine API's answers, read with its streaming reader.
 *
 * <p>Why not {@code JsonParser}: it reads through gson's {@code TypeAdapters}, whose initialisation
 * loads some seventy classes (every built-in adapter) into each process that talks to the engine,
 * ~0.5 MB of class metadata for the few small objects the engine answers with (issue 19).
 * The engine is trusted: its answers nest a few levels deep, which the recursion here is for.
 */
final class JsonTree {

    private JsonTree() {
    }

    /**
     * The whole of {@code json}, leniently parsed as {@code JsonParser.parseString} does.
     *
     * @throws JsonSyntaxException if it is not one JSON value
     */
    static JsonElement parse(String json) {
        try (JsonReader in = new JsonReader(new StringReader(json))) {
            in.setLenient(true);
            JsonElement element = value(in);
            if (in.peek() != JsonToken.END_DOCUMENT) {
                throw new JsonSyntaxException("more than one JSON value");
            }
            return element;
        } catch (IOException e) { // malformed JSON: a StringReader itself does not fail
            throw new JsonSyntaxException(e);
        }
    }

    /**
     * The next value of {@code in}.
     *
     * @throws JsonSyntaxException if it is not valid JSON, as {@code JsonParser.parseReader} would
     * @throws IOException if reading fails
     */
    static JsonElement read(JsonReader in) throws IOException {
        try {
            return value(in);
        } catch (MalformedJsonException e) {
            throw new JsonSyntaxException(e);
        }
    }

    private static JsonElement value(JsonReader in) throws IOException {
        switch (in.peek()) {
            case BEGIN_OBJECT -> {
                JsonObject object = new JsonObject();
                in.beginObject();
                while (in.hasNext()) {
                    object.add(in.nextName(), value(in));
                }
                in.endObject();
                return object;
            }
            case BEGIN_ARRAY -> {
                JsonArray array = new JsonArray();
                in.beginArray();
                while (in.hasNext()) {
                    array.add(value(in));
                }
                in.endArray();
                return array;
            }
            case STRING -> {
                return new JsonPrimitive(in.nextString());
            }
            case NUMBER -> {
                return new JsonPrimitive(new BigDecimal(in.nextString()));
            }
            case BOOLEAN -> {
                return new JsonPrimitive(in.nextBoolean());
            }
            case NULL -> {
                in.nextNull();
                return JsonNull.INSTANCE;
            }
            default -> throw new JsonSyntaxException("no JSON value at " + in.getPath());
        }
    }
}

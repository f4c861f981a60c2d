package io.containerlogging.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonParser;
import com.google.gson.JsonSyntaxException;
import com.google.gson.stream.JsonReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class JsonTreeTest {

    private static final List<String> ANSWERS = List.of(
            "{}", "[]", "null", "true", "\"text\"", "42", "-1.5e3", "12345678901234567890",
            "{\"Id\":\"abc\",\"State\":{\"Running\":true,\"Pid\":4242,\"ExitCode\":0},"
                    + "\"Config\":{\"Labels\":{\"a\":\"1\",\"b\":null},\"Env\":[\"A=1\",\"B=2\"]},\"Size\":1.25}",
            "[{\"Names\":[\"/web\"],\"Labels\":{}},{\"Names\":[],\"Ports\":[{\"PrivatePort\":80}]}]",
            "{\"message\":\"No such container: x \\u00e9\\n\"}");

    @Test
    @DisplayName("reads every Engine-shaped answer into the tree gson's JsonParser makes")
    void sameTreeAsJsonParser() {
        for (String json : ANSWERS) {
            assertThat(JsonTree.parse(json)).as(json).isEqualTo(JsonParser.parseString(json));
        }
    }

    @Test
    @DisplayName("reads the events stream's objects one after another")
    void consecutiveValues() throws IOException {
        JsonReader in = new JsonReader(new StringReader("{\"Action\":\"start\"}\n{\"Action\":\"die\"} "));
        in.setLenient(true);
        List<String> actions = new ArrayList<>();
        while (in.peek() != com.google.gson.stream.JsonToken.END_DOCUMENT) {
            actions.add(JsonTree.read(in).getAsJsonObject().get("Action").getAsString());
        }
        assertThat(actions).containsExactly("start", "die");
    }

    @Test
    @DisplayName("malformed or trailing input is a JsonSyntaxException, as from JsonParser")
    void malformed() {
        for (String json : List.of("{\"a\":", "{\"a\" 1}", "[1,,", "{} {}", "")) {
            assertThatThrownBy(() -> JsonTree.parse(json)).as(json).isInstanceOf(JsonSyntaxException.class);
        }
        JsonReader in = new JsonReader(new StringReader("{\"a\" 1}"));
        assertThatThrownBy(() -> JsonTree.read(in)).isInstanceOf(JsonSyntaxException.class);
    }
}

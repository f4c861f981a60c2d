package io.containerlogging.opensearch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CaseClassesTest {

    @Test
    @DisplayName("each letter becomes the class of every character of its fold; punctuation is escaped")
    void classes() {
        assertThat(CaseClasses.containsIgnoringCase("ok")).isEqualTo(".*[Oo][Kk\u212A].*");
        assertThat(CaseClasses.containsIgnoringCase("a.1")).isEqualTo(".*[Aa]\\.1.*");
        assertThat(CaseClasses.containsIgnoringCase("é")).isEqualTo(".*[Éé].*");
        assertThat(CaseClasses.containsIgnoringCase("i")).isEqualTo(".*[Iiİı].*");
    }

    @Test
    @DisplayName("no regexp longer than OpenSearch accepts")
    void bounded() {
        assertThat(CaseClasses.containsIgnoringCase("a".repeat(300))).isNull();
        assertThat(CaseClasses.containsIgnoringCase("1".repeat(500))).hasSize(504);
    }
}

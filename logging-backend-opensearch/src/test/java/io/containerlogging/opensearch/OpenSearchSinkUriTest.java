package io.containerlogging.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.containerlogging.core.LogId;
import io.containerlogging.core.LogMessage;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link OpenSearchSink#fromUri} and the forwarded document ids, without a node. */
class OpenSearchSinkUriTest {

    private static String target(String uri) throws IOException {
        try (OpenSearchSink sink = OpenSearchSink.fromUri(URI.create(uri))) {
            return sink.target();
        }
    }

    @Test
    @DisplayName("maps scheme, host, port, index prefix; the target never shows credentials")
    void parses() throws IOException {
        assertThat(target("opensearch+http://os1:9201")).isEqualTo("opensearch+http://os1:9201/container-logs-*");
        assertThat(target("opensearch+https://os1")).isEqualTo("opensearch+https://os1:9200/container-logs-*");
        assertThat(target("opensearch+https://fleet:s%3Acret+x@os1:443/?indexPrefix=fleet-logs"))
                .isEqualTo("opensearch+https://os1:443/fleet-logs-*").doesNotContain("fleet:").doesNotContain("cret");
    }

    @Test
    @DisplayName("rejects a bad URI, quoting what is wrong and never the password")
    void rejects() {
        assertThatThrownBy(() -> target("opensearch://os1:9200")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("opensearch+http://").hasMessageContaining("opensearch://os1:9200");
        assertThatThrownBy(() -> target("opensearch+http:///x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("host");
        assertThatThrownBy(() -> target("opensearch+http://os1:9200/logs")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'/logs'");
        assertThatThrownBy(() -> target("opensearch+http://os1:9200?index=logs")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'index'");
        assertThatThrownBy(() -> target("opensearch+http://os1:9200?indexPrefix=Logs*")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Logs*");
        assertThatThrownBy(() -> target("opensearch+http://fleet@os1:9200")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("password");
        assertThatThrownBy(() -> target("ftp://u:secret@os1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("secret");
    }

    @Test
    @DisplayName("a forwarded document is keyed by device id and log id, '-' standing for no device")
    void documentIds() {
        LogMessage message = LogMessage.builder().id(LogId.format(42)).message("m").timestamp(Instant.EPOCH)
                .deviceId("pi:07").build();
        assertThat(LogDocument.forwardedId(message)).isEqualTo("pi:07:log-42");
        assertThat(LogDocument.forwardedId(message.toBuilder().deviceId(null).build())).isEqualTo("-:log-42");
    }
}

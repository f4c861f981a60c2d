package io.containerlogging.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("FORWARD_TO: URIs, filters and forwarder settings")
class ForwardSettingsTest {

    private static ForwardSettings parse(String value) {
        return ForwardSettings.fromEnvironment(Map.of("FORWARD_TO", value));
    }

    @Test
    @DisplayName("unset or blank: no forwarders")
    void unset() {
        assertThat(ForwardSettings.fromEnvironment(Map.of()).targets()).isEmpty();
        assertThat(parse("  ").targets()).isEmpty();
    }

    @Test
    @DisplayName("several URIs; filter parameters become the filter, the rest stays with the sink")
    void several() {
        ForwardSettings settings = parse("syslog+tcp://logs.example:601,"
                + "webhook+https://hooks.example/alert?serviceName=web&level=error&search=time%2Cout&rate=6/1m&token=abc,"
                + "kafka://k1:9092,k2:9092/logs?batch=1000&name=fleet");
        assertThat(settings.targets()).hasSize(3);
        ForwardSettings.Target syslog = settings.targets().get(0);
        assertThat(syslog.sink()).hasToString("syslog+tcp://logs.example:601");
        assertThat(syslog.name()).isEqualTo("syslog-tcp-logs.example-601");
        assertThat(syslog.filter()).isEqualTo(LogQuery.all());
        assertThat(syslog.maxDeliveries()).isZero();

        ForwardSettings.Target webhook = settings.targets().get(1);
        assertThat(webhook.scheme()).isEqualTo("webhook+https");
        assertThat(webhook.sink()).hasToString("webhook+https://hooks.example/alert?token=abc");
        assertThat(webhook.maxDeliveries()).isEqualTo(6);
        assertThat(webhook.per()).isEqualTo(Duration.ofMinutes(1));
        LogMessage error = LogMessage.builder().message("a time,out").timestamp(Instant.now()).level(LogLevel.ERROR)
                .serviceName("web").build();
        assertThat(webhook.filter().matches(error)).isTrue();
        assertThat(webhook.filter().matches(LogMessage.builder().message("a time,out").timestamp(Instant.now())
                .level(LogLevel.INFO).serviceName("web").build())).isFalse();

        ForwardSettings.Target kafka = settings.targets().get(2);
        assertThat(kafka.sink()).hasToString("kafka://k1:9092,k2:9092/logs");
        assertThat(kafka.name()).isEqualTo("fleet");
        assertThat(kafka.batchSize()).isEqualTo(1000);
    }

    @Test
    @DisplayName("credentials never end up in a forwarder's (file) name")
    void noCredentialsInNames() {
        ForwardSettings.Target target = parse("opensearch+https://admin:s3cret@search.example:9200").targets().get(0);
        assertThat(target.name()).isEqualTo("opensearch-https-search.example-9200").doesNotContain("s3cret");
        assertThatThrownBy(() -> parse("opensearch+https://admin:s3cret@search.example:9200?level=nope"))
                .hasMessageContaining("nope").hasMessageNotContaining("s3cret").hasMessageContaining("***@");
    }

    @Test
    @DisplayName("bad URIs and parameters are refused naming FORWARD_TO and what is wrong")
    void refused() {
        assertThatThrownBy(() -> parse("ftp://x:21")).hasMessageContaining("FORWARD_TO")
                .hasMessageContaining("unknown scheme 'ftp'");
        assertThatThrownBy(() -> parse("syslog+tcp:///path")).hasMessageContaining("FORWARD_TO").hasMessageContaining("host");
        assertThatThrownBy(() -> parse("syslog+tcp://h:1 2")).hasMessageContaining("FORWARD_TO")
                .hasMessageContaining("not a URI");
        assertThatThrownBy(() -> parse("webhook+http://h:1/p?level=nope")).hasMessageContaining("FORWARD_TO")
                .hasMessageContaining("nope");
        assertThatThrownBy(() -> parse("webhook+http://h:1/p?regex=(")).hasMessageContaining("FORWARD_TO")
                .hasMessageContaining("regex");
        assertThatThrownBy(() -> parse("webhook+http://h:1/p?rate=0/1m")).hasMessageContaining("rate");
        assertThatThrownBy(() -> parse("webhook+http://h:1/p?rate=5/soon")).hasMessageContaining("rate");
        assertThatThrownBy(() -> parse("webhook+http://h:1/p?batch=0")).hasMessageContaining("batch");
        assertThatThrownBy(() -> parse("webhook+http://h:1/p?name=../x")).hasMessageContaining("'../x'");
        assertThatThrownBy(() -> parse("webhook+http://h:1/p?afterId=log-3")).hasMessageContaining("afterId");
        assertThatThrownBy(() -> parse("syslog+tcp://h:1,syslog+tcp://h:1?level=error"))
                .hasMessageContaining("two forwarders named 'syslog-tcp-h-1'");
    }

    @Test
    @DisplayName("FORWARD_TO needs the local backend")
    void needsLocalBackend() {
        assertThatThrownBy(() -> ExampleServerConfig.fromEnvironment(Map.of("LOG_BACKEND", "opensearch",
                "OPENSEARCH_URL", "http://127.0.0.1:9200", "FORWARD_TO", "syslog+tcp://h:1")))
                .hasMessageContaining("FORWARD_TO").hasMessageContaining("LOG_BACKEND=local");
    }
}

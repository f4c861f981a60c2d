package io.containerlogging.forward.syslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("SyslogSink.fromUri")
class SyslogUriTest {

    private static String target(String uri) {
        try (SyslogSink sink = SyslogSink.fromUri(URI.create(uri))) {
            return sink.target();
        }
    }

    @Test
    @DisplayName("accepts syslog+tcp with a port and syslog+tls with or without one (6514), and says where it sends")
    void accepts() {
        assertThat(target("syslog+tcp://logs.example:514")).isEqualTo("syslog+tcp://logs.example:514");
        assertThat(target("SYSLOG+TCP://logs.example:601/")).isEqualTo("syslog+tcp://logs.example:601");
        assertThat(target("syslog+tls://logs.example")).isEqualTo("syslog+tls://logs.example:6514");
        assertThat(target("syslog+tls://logs.example:10514")).isEqualTo("syslog+tls://logs.example:10514");
        assertThat(target("syslog+tcp://[::1]:514")).isEqualTo("syslog+tcp://[::1]:514");
        assertThat(target("syslog+tcp://10.0.0.1:514?maxMessageSize=65536&appName=edge&facility=local3"))
                .isEqualTo("syslog+tcp://10.0.0.1:514");
        assertThat(target("syslog+tcp://10.0.0.1:514?facility=16&")).isEqualTo("syslog+tcp://10.0.0.1:514");
    }

    @Test
    @DisplayName("?ca= names a PEM file of CAs to trust")
    void caFile(@TempDir Path dir) throws Exception {
        RsyslogServer.Tls tls = TestCertificates.create(dir, "uri test CA");
        assertThat(target("syslog+tls://localhost:6514?ca=" + tls.caFile())).isEqualTo("syslog+tls://localhost:6514");
    }

    @ParameterizedTest(name = "{0}")
    @DisplayName("refuses a bad URI with a message that quotes it and says what is wrong")
    @CsvSource(delimiter = '|', value = {
        "syslog://h:514                          | scheme must be syslog+tcp or syslog+tls",
        "http://h:514                            | scheme must be syslog+tcp or syslog+tls",
        "syslog+tcp://h                          | no port",
        "syslog+tcp:h                            | no host",
        "syslog+tcp://my_host:514                | no host",
        "syslog+tcp://h:0                        | port 0",
        "syslog+tcp://user:secret@h:514          | user info is not supported",
        "syslog+tcp://h:514/path                 | path '/path' is not supported",
        "syslog+tcp://h:514#x                    | fragment",
        "syslog+tcp://h:514?serviceName=web      | unknown parameter 'serviceName' (known: ca, maxMessageSize, appName, facility)",
        "syslog+tcp://h:514?maxMessageSize=big   | maxMessageSize 'big' is not a number",
        "syslog+tcp://h:514?maxMessageSize=10    | maxMessageSize 10 is not in 4096-",
        "syslog+tcp://h:514?facility=local9      | facility 'local9' is neither 0-23 nor a name",
        "syslog+tcp://h:514?facility=99          | facility 99 is not in 0-23",
        "syslog+tcp://h:514?appName=a%20b        | appName 'a b' is not 1-48 printable ASCII",
        "syslog+tcp://h:514?appName=             | parameter 'appName' has no value",
        "syslog+tcp://h:514?facility=1&facility=2 | parameter 'facility' is given twice",
        "syslog+tcp://h:514?ca=/etc/ssl/ca.pem   | parameter 'ca' needs syslog+tls",
        "syslog+tls://h?ca=/nonexistent/ca.pem   | cannot read CA file '/nonexistent/ca.pem'",
    })
    void refuses(String uri, String expected) {
        assertThatThrownBy(() -> SyslogSink.fromUri(URI.create(uri)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(expected)
                .hasMessageStartingWith("syslog URI '");
    }

    @Test
    @DisplayName("never repeats a password given as user info")
    void hidesUserInfo() {
        assertThatThrownBy(() -> SyslogSink.fromUri(URI.create("syslog+tcp://user:secret@h:514")))
                .hasMessageNotContaining("secret");
    }

    @Test
    @DisplayName("a CA file that is not a certificate is refused, naming the file")
    void notACertificate(@TempDir Path dir) throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.pem"), "not a certificate");
        assertThatThrownBy(() -> SyslogSink.fromUri(URI.create("syslog+tls://h?ca=" + junk)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + junk + "'");
    }
}

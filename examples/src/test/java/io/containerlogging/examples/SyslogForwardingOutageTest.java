package io.containerlogging.examples;

import io.containerlogging.forward.syslog.RsyslogServer;
import io.containerlogging.testing.DockerTest;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ForwardingOutageTest} with {@code FORWARD_TO=syslog+tcp://...} and a real rsyslogd
 * ({@link RsyslogServer}), stopped with SIGTERM and started again on the same port. Skipped without
 * rsyslogd unless {@code -Dsyslog.required=true}.
 */
@DockerTest
@Tag("crash")
@Timeout(300)
@DisplayName("FORWARD_TO syslog+tcp: rsyslogd stopped mid-flood, the server restarted meanwhile, every line delivered")
class SyslogForwardingOutageTest extends ForwardingOutageTest {

    private RsyslogServer rsyslog;

    @BeforeEach
    void startRsyslog() throws Exception {
        RsyslogServer.assumeInstalled();
        rsyslog = RsyslogServer.tcp();
    }

    @AfterEach
    void stopRsyslog() throws Exception {
        if (rsyslog != null) {
            rsyslog.close();
        }
    }

    @Override
    String sinkUri() {
        return "syslog+tcp://127.0.0.1:" + rsyslog.port();
    }

    @Override
    void stopReceiver() {
        rsyslog.stop();
    }

    @Override
    void startReceiver() throws Exception {
        rsyslog.start();
    }

    @Override
    List<String> received(String containerId) throws Exception {
        String container = "container=\"" + containerId + "\"";
        return rsyslog.received().stream()
                .filter(r -> r.hostname().equals(DEVICE) && r.structuredData().contains(container))
                .map(RsyslogServer.Received::msg)
                .toList();
    }

    /**
     * docs/forwarding-syslog.md: the failed batch per failed delivery (and per restart, see
     * {@link ForwardingOutageTest#duplicateWindow}), plus the resend window per broken connection.
     * The resend window adds nothing here: it is kept in memory, and the one server life whose
     * connection rsyslogd broke was closed before rsyslogd came back, so no sink resent.
     */
    @Override
    long duplicateWindow(int restarts, long failedDeliveries) {
        return (long) BATCH * (restarts + failedDeliveries);
    }
}

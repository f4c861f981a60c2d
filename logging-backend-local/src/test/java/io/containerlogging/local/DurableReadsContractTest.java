package io.containerlogging.local;

import io.containerlogging.core.LogBackend;
import io.containerlogging.tck.LogBackendContractTest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("LocalLogBackend serving only durable messages meets the LogBackend contract")
class DurableReadsContractTest extends LogBackendContractTest {

    @TempDir
    Path logDir;

    @Override
    protected LogBackend createBackend(Clock clock) {
        return LocalLogBackend.builder()
                .clock(clock)
                .enableFilePersistence(true)
                .logDir(logDir)
                .maxFileSize(64 * 1024)
                .flushInterval(Duration.ofMillis(50)) // subscriptions are served without flush()
                .durableReads(true)
                .build();
    }
}

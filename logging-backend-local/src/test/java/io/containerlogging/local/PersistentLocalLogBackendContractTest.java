package io.containerlogging.local;

import io.containerlogging.core.LogBackend;
import io.containerlogging.tck.LogBackendContractTest;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("LocalLogBackend with file persistence meets the LogBackend contract")
class PersistentLocalLogBackendContractTest extends LogBackendContractTest {

    @TempDir
    Path logDir;

    @Override
    protected LogBackend createBackend(Clock clock) {
        return LocalLogBackend.builder()
                .clock(clock)
                .enableFilePersistence(true)
                .logDir(logDir)
                .maxFileSize(64 * 1024) // rotates during the larger tests
                .build();
    }
}

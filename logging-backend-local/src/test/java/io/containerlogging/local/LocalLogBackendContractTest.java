package io.containerlogging.local;

import io.containerlogging.core.LogBackend;
import io.containerlogging.tck.LogBackendContractTest;
import java.time.Clock;
import org.junit.jupiter.api.DisplayName;

@DisplayName("LocalLogBackend, memory only, meets the LogBackend contract")
class LocalLogBackendContractTest extends LogBackendContractTest {

    @Override
    protected LogBackend createBackend(Clock clock) {
        return LocalLogBackend.builder().clock(clock).build();
    }
}

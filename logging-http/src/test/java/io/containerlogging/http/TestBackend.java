package io.containerlogging.http;

import io.containerlogging.core.LogBackend;
import io.containerlogging.local.LocalLogBackend;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The backend every test in this module uses: the real {@link LocalLogBackend}, memory only. */
final class TestBackend {

    private TestBackend() {
    }

    /** A new, initialized backend roomy enough for the largest test (the 10 000 cap plus more). */
    static LogBackend create() {
        LocalLogBackend backend = LocalLogBackend.builder().maxLogs(100_000).build();
        try {
            backend.initialize();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // memory only: cannot happen
        }
        return backend;
    }
}

package io.containerlogging.http;

import java.time.Duration;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Applies {@link LogHttpServer#configureJdkServer} before any test class of this module runs, as
 * an application must before it creates its first server: the JDK reads the properties once.
 * Registered through {@code META-INF/services} (auto-detection is on in
 * {@code junit-platform.properties}), so no test can create a server before it.
 *
 * <p>Short bounds, so that the hardening tests see them act within seconds: requests must
 * arrive within {@link #MAX_REQUEST_TIME}, responses end after {@link #MAX_RESPONSE_TIME}.
 */
public final class JdkServerSettings implements BeforeAllCallback {

    static final Duration MAX_REQUEST_TIME = Duration.ofSeconds(2);
    static final Duration MAX_RESPONSE_TIME = Duration.ofSeconds(8);

    static {
        LogHttpServer.configureJdkServer(MAX_REQUEST_TIME, MAX_RESPONSE_TIME);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        // the static initializer did the work, once per JVM
    }
}

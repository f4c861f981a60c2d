package io.containerlogging.examples;

import io.containerlogging.core.forward.ForwardSink;
import java.net.URI;
import java.util.Locale;

/** The sink for each {@code FORWARD_TO} scheme. */
final class ForwardSinks {

    private ForwardSinks() {
    }

    /**
     * @throws IllegalArgumentException saying what is wrong with {@code uri}
     */
    static ForwardSink create(URI uri) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        throw new IllegalArgumentException("no sink for scheme '" + scheme + "' yet");
    }
}

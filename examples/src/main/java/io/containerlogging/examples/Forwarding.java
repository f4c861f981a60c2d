package io.containerlogging.examples;

import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogQuery;
import io.containerlogging.core.forward.ForwardSink;
import io.containerlogging.forward.Forwarder;
import io.containerlogging.forward.ForwardersHandler;
import io.containerlogging.http.LogHttpServer;
import io.containerlogging.local.LocalLogBackend;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The example server's forwarders ({@code FORWARD_TO}) and {@code GET /api/v1/forwarders}.
 * Closing it stops the forwarders (their cursors saved) before the backend is closed.
 */
final class Forwarding implements AutoCloseable {

    /** Where the status is served, behind the API's token and Host rules. */
    static final String PATH = "/api/v1/forwarders";

    private final List<Forwarder> forwarders;

    private Forwarding(List<Forwarder> forwarders) {
        this.forwarders = forwarders;
    }

    /**
     * Builds and starts a forwarder per target, and mounts their status on {@code http}.
     *
     * @throws IllegalArgumentException naming FORWARD_TO if a sink refuses its URI
     * @throws IOException if a cursor cannot be read
     */
    static Forwarding start(ForwardSettings settings, LocalLogBackend backend, LogHttpServer.Builder http)
            throws IOException {
        List<Forwarder> started = new ArrayList<>();
        try {
            for (ForwardSettings.Target target : settings.targets()) {
                ForwardSink sink;
                try {
                    sink = ForwardSinks.create(target.sink());
                } catch (IllegalArgumentException e) {
                    throw ExampleServerConfig.invalid("FORWARD_TO", ForwardSettings.redact(target.sink().toString()),
                            e.getMessage());
                }
                Forwarder.Builder builder = Forwarder.builder(backend, sink).name(target.name())
                        .batchSize(target.batchSize());
                if (!target.filter().equals(LogQuery.all())) {
                    builder.filter(target.filter());
                }
                if (target.maxDeliveries() > 0) {
                    builder.maxDeliveries(target.maxDeliveries(), target.per());
                }
                Forwarder forwarder = builder.build();
                started.add(forwarder);
                forwarder.start();
                backend.log(LogMessage.system("Forwarding to " + sink.target() + " as '" + target.name() + "'"
                        + (target.filter().equals(LogQuery.all()) ? "" : " (filtered)"), LogLevel.INFO, Instant.now()));
            }
        } catch (IOException | RuntimeException e) {
            started.forEach(Forwarder::close);
            throw e;
        }
        http.mount(PATH, new ForwardersHandler(started));
        return new Forwarding(started);
    }

    List<Forwarder> forwarders() {
        return forwarders;
    }

    @Override
    public void close() {
        forwarders.forEach(Forwarder::close);
    }
}

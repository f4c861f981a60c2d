/**
 * What a storage backend is built from: the machinery every {@link io.containerlogging.core.LogBackend}
 * shares, written once, for implementers (users of the library need only
 * {@link io.containerlogging.core}).
 *
 * <h2>The shape, and why</h2>
 * A backend extends {@link io.containerlogging.core.spi.AbstractLogBackend}, a template base class
 * in the manner of Micrometer's {@code MeterRegistry}, and adds only its store: {@code open()},
 * {@code append()} or {@code writeBatch()}, the queries, {@code cleanup()} and {@code shutdown()}.
 * The base class owns the lifecycle, id assignment (a pluggable
 * {@link io.containerlogging.core.spi.IdSequence}), device stamping, the subscriber fan-out
 * ({@link io.containerlogging.core.spi.LogFanout}) and, for a backend that writes in the
 * background, the one bounded {@link io.containerlogging.core.spi.WriteQueue} with its overflow
 * wait and drop reporting, plus the {@link io.containerlogging.core.BackendStatistics}.
 *
 * <p>We chose a base class over composition in the manner of OpenTelemetry's processor/exporter
 * split because the backends are what users build and hold: {@code LocalLogBackend.builder()...build()}
 * must stay one object with one builder, not a store and a pipeline the user wires together.
 * With a base class, {@code log()}, {@code initialize()} and {@code close()} are final, so the
 * invariants that are easy to break (subscribers see id order, nothing is stored after close, a
 * failed start leaves the backend new) hold for every backend by construction. The batching half
 * is still composed, as in OpenTelemetry: {@link io.containerlogging.core.spi.WriteQueue} is a
 * class of its own with a {@link io.containerlogging.core.spi.BatchSink}, and the Docker monitor
 * uses the same queue in front of a backend that may block.
 *
 * <h2>Conventions for components with threads</h2>
 * Threads come from the builder's {@code ThreadFactory}, used as it is; by default from
 * {@link io.containerlogging.core.spi.DaemonThreads}, named {@code container-logging-<component>-N}.
 * A component starts its threads in {@code initialize()} or {@code start()}, never in a
 * constructor or builder, and stops them in {@code close()}, which waits at most a
 * {@code closeTimeout} the builder sets.
 *
 * <p>Compatibility: this package is public API for backend authors and follows the library's
 * versioning; {@code io.containerlogging.core.internal} is not API.
 */
package io.containerlogging.core.spi;

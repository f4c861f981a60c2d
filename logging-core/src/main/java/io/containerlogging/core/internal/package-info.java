/**
 * Internals of logging-core: <strong>not API</strong>. The wire format's field table
 * ({@link io.containerlogging.core.internal.WireField}) and the fast codec that follows it (the
 * {@link io.containerlogging.core.internal.Utf8Buffer} byte encoder and the
 * {@link io.containerlogging.core.internal.LogJsonFastParser}), and the atomic
 * {@link io.containerlogging.core.internal.StateFile} of backends' durable state, public only so that the
 * library's own modules (the backends, the REST API, the benchmarks) can use them.
 *
 * <p>No compatibility promise: anything here may change or go in any release. Applications use
 * {@link io.containerlogging.core.LogJson} instead.
 */
package io.containerlogging.core.internal;

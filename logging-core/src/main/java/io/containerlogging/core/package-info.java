/**
 * The API of container-logging: the log model ({@link io.containerlogging.core.LogMessage} and
 * its parts), the query type ({@link io.containerlogging.core.LogQuery}), the
 * {@link io.containerlogging.core.LogBackend} interface that the container monitor writes to and
 * callers query, and the JSON wire format ({@link io.containerlogging.core.LogJson}).
 *
 * <p>{@code io.containerlogging.core.internal} is not part of the API.
 */
package io.containerlogging.core;

/**
 * {@link io.containerlogging.opensearch.OpenSearchLogBackend}: a fleet's log messages in
 * OpenSearch, written through a bounded queue and a background bulk writer, read through the
 * same {@link io.containerlogging.core.LogQuery} as every backend; and
 * {@link io.containerlogging.opensearch.OpenSearchSink}, which forwards devices' stored messages
 * into the same indices, so that such a backend answers for the whole fleet.
 */
package io.containerlogging.opensearch;

/**
 * {@link io.containerlogging.opensearch.OpenSearchLogBackend}: a fleet's log messages in
 * OpenSearch, written through a bounded queue and a background bulk writer, read through the
 * same {@link io.containerlogging.core.LogQuery} as every backend.
 */
package io.containerlogging.opensearch;

/**
 * {@link io.containerlogging.local.LocalLogBackend}: the newest log messages in an indexed
 * in-memory ring, optionally persisted as NDJSON files and reloaded at start-up.
 */
package io.containerlogging.local;

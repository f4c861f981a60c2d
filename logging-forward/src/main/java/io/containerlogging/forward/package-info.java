/**
 * Store and forward: a forwarder reads what a {@link io.containerlogging.local.LocalLogBackend}
 * has stored, in id order, from a durable cursor of its own, and hands it in batches to a
 * {@link io.containerlogging.core.forward.ForwardSink}. The local files are the buffer: a sink that
 * is offline costs disk, nothing else, and the forwarder catches up when it returns.
 */
package io.containerlogging.forward;

/**
 * The forwarding SPI: {@link io.containerlogging.core.forward.ForwardSink} is where a forwarder
 * (module {@code logging-forward}) delivers the messages a local backend has stored, as
 * {@link io.containerlogging.core.forward.StoredMessage}s: each message's stored JSON, decoded only
 * for a sink or filter that needs it. Sinks live
 * next to what they talk to: syslog and webhooks in {@code logging-forward}, Kafka in
 * {@code logging-forward-kafka}, OpenSearch in {@code logging-backend-opensearch}.
 */
package io.containerlogging.core.forward;

/** A {@link io.containerlogging.core.forward.ForwardSink} to an Apache Kafka topic. */
package io.containerlogging.forward.kafka;

/**
 * {@link io.containerlogging.forward.webhook.WebhookSink}: forwarding by HTTP POST of JSON batches,
 * the basis of alerts (docs/forwarding-webhook.md).
 */
package io.containerlogging.forward.webhook;

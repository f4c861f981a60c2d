/**
 * The syslog sink of store and forward: {@link io.containerlogging.forward.syslog.SyslogSink}
 * sends stored messages as RFC 5424 syslog messages over TCP (RFC 6587 octet counting) or TLS
 * (RFC 5425). docs/forwarding-syslog.md describes the format and the delivery semantics.
 */
package io.containerlogging.forward.syslog;

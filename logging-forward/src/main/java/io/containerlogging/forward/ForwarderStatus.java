package io.containerlogging.forward;

import java.time.Instant;

/**
 * What a {@link Forwarder} is doing, as {@code GET /api/v1/forwarders} shows it.
 *
 * @param name the forwarder's name (also its cursor's file name)
 * @param sink where it delivers, without credentials
 * @param state {@code starting}, {@code delivering}, {@code idle} (caught up), {@code retrying}
 *     (the sink failed; waiting to deliver the same batch again) or {@code stopped}
 * @param cursorId the id of the last message delivered or passed over by the filter, or null
 * @param lagMessages ids stored but not yet delivered or passed over: the distance from the
 *     cursor to the newest stored id (ids a crash skipped count too, so an upper bound)
 * @param lagSeconds the age of the oldest message waiting to be delivered, 0 when caught up
 * @param delivered messages acknowledged by the sink since start
 * @param retried failed deliveries since start (each batch attempt counts once)
 * @param filtered messages passed over by the filter since start
 * @param missed messages deleted by retention or the disk budget before they were delivered
 * @param rejected messages the sink's receiver refused for good (and the forwarder passed over,
 *     reporting them as a system message) since start
 * @param lastError the last delivery error, or null
 * @param lastErrorAt when it happened, or null
 */
public record ForwarderStatus(String name, String sink, String state, String cursorId, long lagMessages,
        double lagSeconds, long delivered, long retried, long filtered, long missed, long rejected, String lastError,
        Instant lastErrorAt) {
}

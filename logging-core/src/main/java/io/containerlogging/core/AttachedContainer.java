package io.containerlogging.core;

import java.util.Objects;

/**
 * A container whose logs are being collected.
 *
 * @param containerId the full container id
 * @param serviceId the service id stored with its lines, or null
 * @param serviceName the service name stored with its lines
 */
public record AttachedContainer(String containerId, Integer serviceId, String serviceName) {

    public AttachedContainer {
        Objects.requireNonNull(containerId, "containerId");
    }
}

package io.containerlogging.core;

import java.util.List;

/**
 * Attaches log collection to containers and detaches it: the narrow view of a container log
 * monitor that the HTTP adapter needs, so that it does not depend on Docker. Implemented by
 * {@code io.containerlogging.docker.ContainerLogMonitor}. Thread-safe.
 */
public interface ContainerAttacher {

    /**
     * Starts collecting the logs of a container. Attaching to a container that is already
     * attached replaces its service id and name and does not duplicate lines.
     *
     * @return the attached container, with its full id and the service name in use
     * @throws ContainerNotFoundException if no such container exists
     * @throws IllegalStateException if the container engine cannot be reached or the attacher is
     *     closed
     */
    AttachedContainer attach(AttachOptions options);

    /**
     * Stops collecting the logs of a container.
     *
     * @param containerId a full id or a unique prefix of an attached container
     * @return true if it was attached, false if it was not
     */
    boolean detach(String containerId);

    /** The containers currently attached. */
    List<AttachedContainer> attachedContainers();
}

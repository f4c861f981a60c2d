package io.containerlogging.core;

/** No container with the given id exists; the HTTP adapter answers 404. */
public class ContainerNotFoundException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String containerId;

    public ContainerNotFoundException(String containerId) {
        this(containerId, null);
    }

    public ContainerNotFoundException(String containerId, Throwable cause) {
        super("no such container: " + containerId, cause);
        this.containerId = containerId;
    }

    /** The id that was asked for. */
    public String containerId() {
        return containerId;
    }
}

package io.containerlogging.core;

/**
 * Thrown by a {@link LogBackend} that cannot answer right now because the store behind it is
 * unreachable or failing (a remote node down, a request timed out), as opposed to a bad request.
 * The condition is expected to pass: callers may retry later. The HTTP API answers it with
 * {@code 503 Service Unavailable}.
 */
public class BackendUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message for the operator and the underlying cause.
     *
     * @param message what could not be done, e.g. {@code "OpenSearch query failed: ..."}
     * @param cause what went wrong underneath, may be null
     */
    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}

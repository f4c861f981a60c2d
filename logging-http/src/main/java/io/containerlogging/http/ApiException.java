package io.containerlogging.http;

/**
 * A request the API refuses: carries the status and the {@code {"error", "parameter"}} body.
 * Thrown while parsing and routing, caught in {@link LogApi#handle}; never escapes to the
 * transport.
 */
final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String parameter;
    private final String allow;

    ApiException(int status, String message, String parameter) {
        this(status, message, parameter, null);
    }

    private ApiException(int status, String message, String parameter, String allow) {
        // No stack trace: these are expected, frequent (bad clients) and never logged with one.
        super(message, null, false, false);
        this.status = status;
        this.parameter = parameter;
        this.allow = allow;
    }

    static ApiException badRequest(String message, String parameter) {
        return new ApiException(400, message, parameter);
    }

    static ApiException methodNotAllowed(String method, String allow) {
        return new ApiException(405, "method " + method + " is not allowed here (allowed: " + allow + ")",
                null, allow);
    }

    /** The longest excerpt of a client's value an error message quotes. */
    static final int EXCERPT_CHARS = 64;

    /**
     * {@code value} as an error message may quote it: at most {@link #EXCERPT_CHARS} characters,
     * with how much was left out, and control characters shown as {@code ?}. A client that sends
     * a 370 KB parameter name gets a short error, not its input echoed back.
     */
    static String excerpt(String value) {
        if (value == null) {
            return null;
        }
        boolean cut = value.length() > EXCERPT_CHARS;
        String head = cut ? value.substring(0, EXCERPT_CHARS) : value;
        StringBuilder out = new StringBuilder(head.length() + 32);
        for (int i = 0; i < head.length(); i++) {
            char c = head.charAt(i);
            out.append(Character.isISOControl(c) ? '?' : c);
        }
        if (cut) {
            out.append("... (").append(value.length()).append(" characters)");
        }
        return out.toString();
    }

    int status() {
        return status;
    }

    /** The query parameter or body field at fault, or null. */
    String parameter() {
        return parameter;
    }

    /** The value of the {@code Allow} header for a 405, else null. */
    String allow() {
        return allow;
    }
}

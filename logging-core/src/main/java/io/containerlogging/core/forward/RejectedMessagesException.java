package io.containerlogging.core.forward;

import java.io.IOException;
import java.util.List;

/**
 * Thrown by {@link ForwardSink#deliver} when the receiver refused some messages of a batch for
 * good, for a reason that sending them again cannot change (a document its mapping cannot take, a
 * record over its size limit), and acknowledged every other message of the batch. The forwarder
 * counts the refused messages, reports them as a system message and goes on, instead of
 * delivering the same batch again forever.
 */
public class RejectedMessagesException extends IOException {

    private static final long serialVersionUID = 1L;

    private final List<String> rejectedIds;

    /**
     * @param message why, naming the first refused message and the receiver's reason
     * @param rejectedIds the ids of the refused messages, at least one
     * @throws IllegalArgumentException if {@code rejectedIds} is empty
     */
    public RejectedMessagesException(String message, List<String> rejectedIds) {
        super(message);
        this.rejectedIds = List.copyOf(rejectedIds);
        if (this.rejectedIds.isEmpty()) {
            throw new IllegalArgumentException("rejectedIds must name at least one message");
        }
    }

    /** The ids of the messages the receiver refused for good. */
    public List<String> rejectedIds() {
        return rejectedIds;
    }
}

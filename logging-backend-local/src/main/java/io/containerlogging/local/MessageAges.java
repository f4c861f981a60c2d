package io.containerlogging.local;

import io.containerlogging.core.LogMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How long each message is kept ({@code maxAge} and the {@link RetentionPolicy}), and so which
 * retention class of files it is written to.
 *
 * <p>Thread-safety: thread-safe; {@link #files} is called at start, before any other use of the
 * file classes.
 */
final class MessageAges {

    private final RetentionPolicy policy;
    private final Duration maxAge;
    private final Duration longest;
    private final Map<Duration, FileCatalog.FileClass> classes = new ConcurrentHashMap<>();
    private volatile FileCatalog catalog;
    private volatile FileCatalog.FileClass defaultClass;

    MessageAges(RetentionPolicy policy, Duration maxAge) {
        this.policy = policy;
        this.maxAge = maxAge;
        this.longest = policy.ages(maxAge).last();
    }

    /** Uses the classes of {@code catalog} from now on. */
    void files(FileCatalog catalog) {
        this.catalog = catalog;
        this.defaultClass = catalog.classFor(maxAge);
        classes.clear();
    }

    /** The class of files of messages kept {@code maxAge}. */
    FileCatalog.FileClass defaultClass() {
        return defaultClass;
    }

    /** The longest age any message can have. */
    Duration longest() {
        return longest;
    }

    /** Whether every message has {@code maxAge}. */
    boolean uniform() {
        return policy.isEmpty();
    }

    Duration ageOf(LogMessage message) {
        return policy.maxAge(maxAge, message.serviceName(), message.level());
    }

    /** Whether {@code message} is past its age at {@code now}. */
    boolean expired(LogMessage message, Instant now) {
        return message.timestamp().isBefore(now.minus(ageOf(message)));
    }

    /** The retention class of {@code message}'s file. */
    FileCatalog.FileClass fileClass(LogMessage message) {
        if (policy.isEmpty()) {
            return defaultClass;
        }
        return classes.computeIfAbsent(ageOf(message), catalog::classFor);
    }
}

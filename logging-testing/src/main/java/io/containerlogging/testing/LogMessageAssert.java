package io.containerlogging.testing;

import io.containerlogging.core.LogLevel;
import io.containerlogging.core.LogMessage;
import io.containerlogging.core.LogSource;
import java.time.Instant;
import java.util.Objects;
import org.assertj.core.api.AbstractAssert;

/**
 * AssertJ assertions on a {@link LogMessage}, one method per field, chained:
 * <pre>{@code
 * import static io.containerlogging.testing.LogMessageAssert.assertThat;
 *
 * assertThat(message).hasLevel(LogLevel.ERROR).hasMessage("boom").hasServiceName("web").isStdErr();
 * }</pre>
 * Static-import it next to {@code org.assertj.core.api.Assertions.assertThat}: the two overload.
 * A failure names the field, the expected and the actual value, and shows the whole message.
 */
public final class LogMessageAssert extends AbstractAssert<LogMessageAssert, LogMessage> {

    private LogMessageAssert(LogMessage actual) {
        super(actual, LogMessageAssert.class);
    }

    /** Starts assertions on {@code actual}, which may be null (then every check but {@code isNull()} fails). */
    public static LogMessageAssert assertThat(LogMessage actual) {
        return new LogMessageAssert(actual);
    }

    /** Checks the id a backend assigned ({@code null} for a message not stored). */
    public LogMessageAssert hasId(String id) {
        return field("id", id, actual == null ? null : actual.id());
    }

    /** Checks the text. */
    public LogMessageAssert hasMessage(String message) {
        return field("message", message, actual == null ? null : actual.message());
    }

    /** Checks that the text contains {@code part}. */
    public LogMessageAssert hasMessageContaining(String part) {
        isNotNull();
        if (!actual.message().contains(part)) {
            failWithMessage("%nExpecting message of:%n  %s%nto contain:%n  \"%s\"%nbut it was:%n  \"%s\"",
                    actual, part, actual.message());
        }
        return this;
    }

    /** Checks the timestamp, to full precision. */
    public LogMessageAssert hasTimestamp(Instant timestamp) {
        return field("timestamp", timestamp, actual == null ? null : actual.timestamp());
    }

    /** Checks the level. */
    public LogMessageAssert hasLevel(LogLevel level) {
        return field("level", level, actual == null ? null : actual.level());
    }

    /** Checks the source. */
    public LogMessageAssert hasSource(LogSource source) {
        return field("source", source, actual == null ? null : actual.source());
    }

    /** Checks the service id ({@code null} for none). */
    public LogMessageAssert hasServiceId(Integer serviceId) {
        return field("serviceId", serviceId, actual == null ? null : actual.serviceId());
    }

    /** Checks the service name ({@code null} for none). */
    public LogMessageAssert hasServiceName(String serviceName) {
        return field("serviceName", serviceName, actual == null ? null : actual.serviceName());
    }

    /** Checks the container id ({@code null} for none). */
    public LogMessageAssert hasContainerId(String containerId) {
        return field("containerId", containerId, actual == null ? null : actual.containerId());
    }

    /** Checks the device id ({@code null} for none). */
    public LogMessageAssert hasDeviceId(String deviceId) {
        return field("deviceId", deviceId, actual == null ? null : actual.deviceId());
    }

    /** Checks that the container wrote the line to stderr. */
    public LogMessageAssert isStdErr() {
        return field("isStdErr", true, actual == null ? null : actual.isStdErr());
    }

    /** Checks that the line did not come from stderr. */
    public LogMessageAssert isNotStdErr() {
        return field("isStdErr", false, actual == null ? null : actual.isStdErr());
    }

    /** Checks that it is a system or manager message. */
    public LogMessageAssert isSystem() {
        return field("isSystem", true, actual == null ? null : actual.isSystem());
    }

    /** Checks that it is not a system or manager message. */
    public LogMessageAssert isNotSystem() {
        return field("isSystem", false, actual == null ? null : actual.isSystem());
    }

    private LogMessageAssert field(String name, Object expected, Object value) {
        isNotNull();
        if (!Objects.equals(expected, value)) {
            failWithMessage("%nExpecting %s of:%n  %s%nto be:%n  %s%nbut was:%n  %s", name, actual,
                    describe(expected), describe(value));
        }
        return this;
    }

    private static String describe(Object value) {
        return value instanceof String ? "\"" + value + "\"" : String.valueOf(value);
    }
}

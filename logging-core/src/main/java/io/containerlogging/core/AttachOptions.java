package io.containerlogging.core;

import java.time.Instant;
import java.util.Objects;

/**
 * What to attach to and how: the container, the service it belongs to, and which streams to read.
 *
 * @param containerId a container id (full or prefix) or name; never null or blank
 * @param serviceId the service id to store with each line, or null
 * @param serviceName the service name to store with each line, or null to derive it from the
 *     container (labels, else its name)
 * @param follow keep streaming new lines until the container stops (default true)
 * @param stdout collect stdout (default true)
 * @param stderr collect stderr (default true)
 * @param since collect only lines written at or after this instant, or null to resume after the
 *     newest line already stored for the container (or from its start if none is)
 */
public record AttachOptions(
        String containerId,
        Integer serviceId,
        String serviceName,
        boolean follow,
        boolean stdout,
        boolean stderr,
        Instant since) {

    public AttachOptions {
        Objects.requireNonNull(containerId, "containerId");
        if (containerId.isBlank()) {
            throw new IllegalArgumentException("containerId must not be blank");
        }
        if (!stdout && !stderr) {
            throw new IllegalArgumentException("at least one of stdout and stderr must be collected");
        }
    }

    /** Options for {@code containerId} with the defaults: follow, stdout and stderr all true. */
    public static Builder builder(String containerId) {
        return new Builder(containerId);
    }

    /** Builds {@link AttachOptions}. Not thread-safe. */
    public static final class Builder {
        private final String containerId;
        private Integer serviceId;
        private String serviceName;
        private boolean follow = true;
        private boolean stdout = true;
        private boolean stderr = true;
        private Instant since;

        private Builder(String containerId) {
            this.containerId = containerId;
        }

        public Builder serviceId(Integer serviceId) {
            this.serviceId = serviceId;
            return this;
        }

        public Builder serviceName(String serviceName) {
            this.serviceName = serviceName;
            return this;
        }

        public Builder follow(boolean follow) {
            this.follow = follow;
            return this;
        }

        public Builder stdout(boolean stdout) {
            this.stdout = stdout;
            return this;
        }

        public Builder stderr(boolean stderr) {
            this.stderr = stderr;
            return this;
        }

        public Builder since(Instant since) {
            this.since = since;
            return this;
        }

        public AttachOptions build() {
            return new AttachOptions(containerId, serviceId, serviceName, follow, stdout, stderr, since);
        }
    }
}

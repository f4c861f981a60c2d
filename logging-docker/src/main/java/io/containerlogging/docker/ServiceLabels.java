package io.containerlogging.docker;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Names a container's service from its labels: the first present of the service-name labels, else
 * the container's name without its leading {@code /}, else its short id; the service id from the
 * first service-id label holding an integer. Immutable.
 */
final class ServiceLabels {

    private static final System.Logger LOG = System.getLogger(ServiceLabels.class.getName());

    private final List<String> nameLabels;
    private final List<String> idLabels;

    ServiceLabels(List<String> nameLabels, List<String> idLabels) {
        this.nameLabels = List.copyOf(nameLabels);
        this.idLabels = List.copyOf(idLabels);
    }

    /**
     * A label list for the builder: copied, and checked to hold no null or blank label.
     *
     * @throws NullPointerException if {@code labels} is null, naming {@code setting}
     * @throws IllegalArgumentException if a label is null or blank, quoting the list
     */
    static List<String> checked(List<String> labels, String setting) {
        Objects.requireNonNull(labels, setting);
        for (String label : labels) {
            if (label == null || label.isBlank()) {
                throw new IllegalArgumentException(setting + " must not contain null or blank labels: " + labels);
            }
        }
        return List.copyOf(labels);
    }

    String serviceName(Map<String, String> labels, String containerName, String containerId) {
        if (labels != null) {
            for (String label : nameLabels) {
                String value = labels.get(label);
                if (value != null && !value.isBlank()) {
                    return value;
                }
            }
        }
        if (containerName != null && !containerName.isBlank()) {
            return containerName.startsWith("/") ? containerName.substring(1) : containerName;
        }
        return containerId.substring(0, Math.min(12, containerId.length()));
    }

    Integer serviceId(Map<String, String> labels) {
        if (labels != null) {
            for (String label : idLabels) {
                String value = labels.get(label);
                if (value != null) {
                    try {
                        return Integer.valueOf(value.trim());
                    } catch (NumberFormatException e) {
                        LOG.log(System.Logger.Level.DEBUG, "label {0}={1} is not a service id", label, value);
                    }
                }
            }
        }
        return null;
    }
}

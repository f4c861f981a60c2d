package io.containerlogging.forward.kafka;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A parsed {@code kafka://host[:port][,host[:port]...]/topic} URI: the bootstrap servers and the
 * topic. The port defaults to {@value #DEFAULT_PORT}; an IPv6 host is written in brackets.
 *
 * @param bootstrapServers {@code host:port} entries, at least one
 * @param topic the topic name
 */
record KafkaUri(List<String> bootstrapServers, String topic) {

    /** The port of a host written without one: Kafka's usual plaintext port. */
    static final int DEFAULT_PORT = 9092;

    /** Kafka's own rule for topic names (at most 249 of these characters, not "." or ".."). */
    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    private static final Pattern HOST = Pattern.compile("[a-zA-Z0-9.-]+|\\[[0-9a-fA-F:.%a-zA-Z]+]");

    KafkaUri {
        bootstrapServers = List.copyOf(bootstrapServers);
        Objects.requireNonNull(topic, "topic");
    }

    /**
     * Parses a {@code kafka://} URI.
     *
     * @throws IllegalArgumentException quoting the URI and what is wrong with it
     */
    static KafkaUri parse(URI uri) {
        Objects.requireNonNull(uri, "uri");
        if (!"kafka".equalsIgnoreCase(uri.getScheme())) {
            throw bad(uri, "the scheme must be kafka");
        }
        if (uri.isOpaque()) {
            throw bad(uri, "expected kafka://host:port/topic");
        }
        // Several hosts make the authority registry-based, so java.net.URI leaves host and port
        // unset: the authority is split here instead.
        String authority = uri.getRawAuthority();
        if (authority == null || authority.isEmpty()) {
            throw bad(uri, "no host");
        }
        if (authority.indexOf('@') >= 0) {
            throw bad(uri, "credentials in the URI are not supported; configure SASL with KafkaSink.builder().property(...)");
        }
        List<String> servers = new ArrayList<>();
        for (String entry : authority.split(",", -1)) {
            servers.add(server(uri, entry));
        }
        if (uri.getRawQuery() != null) {
            throw bad(uri, "unknown parameters \"" + uri.getRawQuery() + "\"");
        }
        if (uri.getRawFragment() != null) {
            throw bad(uri, "a fragment is not allowed");
        }
        String path = uri.getPath();
        if (path == null || path.length() <= 1) {
            throw bad(uri, "no topic: expected kafka://host:port/topic");
        }
        String topic = path.substring(1);
        if (!isTopicName(topic)) {
            throw bad(uri, "bad topic \"" + topic
                    + "\": 1 to 249 of a-z A-Z 0-9 . _ -, not \".\" or \"..\", and no further path");
        }
        return new KafkaUri(servers, topic);
    }

    /** True if {@code topic} is a legal Kafka topic name. */
    static boolean isTopicName(String topic) {
        return topic != null && TOPIC.matcher(topic).matches() && !topic.equals(".") && !topic.equals("..");
    }

    private static String server(URI uri, String entry) {
        if (entry.isEmpty()) {
            throw bad(uri, "an empty host in the host list");
        }
        int colon = entry.lastIndexOf(':');
        String host = entry;
        int port = DEFAULT_PORT;
        if (colon >= 0 && entry.indexOf(']', colon) < 0) {
            host = entry.substring(0, colon);
            String digits = entry.substring(colon + 1);
            try {
                port = Integer.parseInt(digits);
            } catch (NumberFormatException e) {
                throw bad(uri, "bad port \"" + digits + "\" of host \"" + host + "\"");
            }
            if (port < 1 || port > 65535) {
                throw bad(uri, "port " + port + " of host \"" + host + "\" is not in 1..65535");
            }
        }
        if (!HOST.matcher(host).matches()) {
            throw bad(uri, "bad host \"" + host + "\"");
        }
        return host + ":" + port;
    }

    private static IllegalArgumentException bad(URI uri, String what) {
        return new IllegalArgumentException("bad Kafka URI \"" + uri + "\": " + what);
    }

    /** This target as a URI, for status pages: {@code kafka://h1:9092,h2:9092/topic}. */
    String describe() {
        return "kafka://" + String.join(",", bootstrapServers) + "/" + topic;
    }
}

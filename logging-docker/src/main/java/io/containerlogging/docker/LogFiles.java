package io.containerlogging.docker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * Decides whether a container's log is read from its {@code json-file} on this host rather than
 * through the Engine API, and counts how it went (see {@link MonitorStatistics}).
 *
 * <p>A log is read from its file when the container's log driver is {@code json-file} and the
 * {@code LogPath} dockerd reports is a readable file here whose name carries the container's id
 * (so a remote engine whose paths happen to exist here is not mistaken for this one). Anything
 * else (another driver, a remote or rootless engine, a monitor without access to
 * {@code /var/lib/docker}) reads through the API, as every container did before.
 *
 * <p>Thread-safety: thread-safe.
 */
final class LogFiles {

    private static final System.Logger LOG = System.getLogger(LogFiles.class.getName());

    /** Where a container's log is, and whether the container was running when asked. */
    record Located(Path path, boolean running) {
    }

    private final DockerEngine engine;
    private final UnaryOperator<Path> resolver;
    final AtomicLong fileStreams = new AtomicLong();
    final AtomicLong apiStreams = new AtomicLong();
    final AtomicLong fallbacks = new AtomicLong();
    final AtomicLong skippedLines = new AtomicLong();

    /**
     * @param resolver maps the {@code LogPath} dockerd reports to the path read here (the identity,
     *     but for tests)
     */
    LogFiles(DockerEngine engine, UnaryOperator<Path> resolver) {
        this.engine = engine;
        this.resolver = resolver;
    }

    /**
     * Asks the engine where the container's log is.
     *
     * @return where to read it, or null to read through the API
     */
    Located locate(String containerId) {
        DockerEngine.ContainerInfo info;
        try {
            info = engine.inspect(containerId);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "cannot inspect container " + containerId + " for its log file", e);
            return null;
        }
        if (!"json-file".equals(info.logDriver()) || info.logPath() == null || info.logPath().isEmpty()) {
            return null;
        }
        Path path;
        try {
            path = resolver.apply(Path.of(info.logPath()));
        } catch (RuntimeException e) { // InvalidPathException: not a path of this host
            return null;
        }
        if (path == null || path.getFileName() == null || !path.getFileName().toString().startsWith(info.id())
                || !Files.isRegularFile(path) || !Files.isReadable(path)) {
            return null;
        }
        return new Located(path, info.running());
    }
}

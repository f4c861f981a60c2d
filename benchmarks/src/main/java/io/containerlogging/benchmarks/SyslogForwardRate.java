package io.containerlogging.benchmarks;

import io.containerlogging.core.LogMessage;
import io.containerlogging.forward.syslog.SyslogSink;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Messages per second into a real rsyslogd, per mode, in the same run: {@code sink} is
 * {@link SyslogSink#deliver} in batches of 500; {@code plain} writes the same octet-counted RFC 5424
 * frames, encoded before the clock starts, through a 64 KiB {@link BufferedOutputStream} on a plain
 * {@link Socket} (the socket and rsyslogd alone); {@code naive} does the same but formats each frame
 * in the loop with string concatenation, as a hand-written sender would. Modes alternate within each round; a warm-up
 * round per mode comes first and is not reported (with a quarter of the messages, the sink's first
 * measured round still ran partly interpreted: half the plain rate, against 0.9 warm).
 *
 * <p>Two times per mode and round: {@code send} until the last write returned, and {@code total}
 * until rsyslogd's output file holds every message of the round (one line per message, see
 * {@code scripts/bench/forward-syslog.sh}); the rate is messages / total, so socket buffers do not
 * flatter a mode. Only sending is timed: a forwarder mode's store is written before the clock
 * starts and closed and deleted after it stops.
 *
 * <p>Each round also reports this JVM's CPU time per message ({@code cpu_us}, every thread: the
 * sender's work, JIT and GC included, rsyslogd not): a figure a busy machine disturbs far less
 * than the rates, which depend on the CPU left for rsyslogd.
 *
 * <p>{@code forwarder} is a {@link io.containerlogging.forward.Forwarder} catching up a stored
 * backlog whose rotated files are gzipped ({@link StoredBacklog}); {@code forwarder-plain} the same
 * with plain files, which is what a forwarder that keeps up reads (the file being written, before
 * it is rotated and compressed). To add a mode, add a case to {@link #send} and name it in
 * {@code MODES}.
 *
 * <p>Run: {@code scripts/bench/forward-syslog.sh} (it starts rsyslogd), or by hand:
 * {@code java -cp benchmarks/target/benchmarks.jar io.containerlogging.benchmarks.SyslogForwardRate
 * <port> <received-file> <messages> <rounds> plain,sink}.
 */
public final class SyslogForwardRate {

    private static final int BATCH = 500;
    private static final String DEVICE = "bench-device";
    private static final int[] SEVERITIES = {7, 6, 4, 3}; // DEBUG, INFO, WARN, ERROR

    private final int port;
    private final Path received;
    private long nextId = 1;
    private long receivedLines;
    private long receivedOffset;

    private SyslogForwardRate(int port, Path received) {
        this.port = port;
        this.received = received;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: SyslogForwardRate <port> <received-file> <messages> <rounds> <mode>[,<mode>...]");
            System.exit(2);
        }
        SyslogForwardRate bench = new SyslogForwardRate(Integer.parseInt(args[0]), Path.of(args[1]));
        int messages = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);
        List<String> modes = List.of(args[4].split(","));

        for (String mode : modes) {
            bench.round(mode, messages);
        }
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        Map<String, List<Double>> cpu = new LinkedHashMap<>();
        for (int r = 1; r <= rounds; r++) {
            for (String mode : modes) {
                long[] times = bench.round(mode, messages);
                double rate = messages / (times[1] / 1e9);
                double cpuMicros = times[2] / 1e3 / messages;
                rates.computeIfAbsent(mode, m -> new ArrayList<>()).add(rate);
                cpu.computeIfAbsent(mode, m -> new ArrayList<>()).add(cpuMicros);
                System.out.printf("round=%d mode=%s messages=%d send_ms=%d total_ms=%d rate=%.0f/s cpu_us=%.2f/msg%n",
                        r, mode, messages, times[0] / 1_000_000, times[1] / 1_000_000, rate, cpuMicros);
            }
        }
        for (Map.Entry<String, List<Double>> e : rates.entrySet()) {
            System.out.println(summary("rate " + e.getKey() + " msgs/s", e.getValue(), "%.0f"));
        }
        for (Map.Entry<String, List<Double>> e : cpu.entrySet()) {
            System.out.println(summary("cpu " + e.getKey() + " us/msg", e.getValue(), "%.2f"));
        }
        // each mode against each earlier one, round by round (the same rsyslogd, seconds apart)
        for (int j = 1; j < modes.size(); j++) {
            for (int i = 0; i < j; i++) {
                List<Double> ratios = new ArrayList<>();
                for (int r = 0; r < rounds; r++) {
                    ratios.add(rates.get(modes.get(j)).get(r) / rates.get(modes.get(i)).get(r));
                }
                System.out.println(summary("ratio " + modes.get(j) + "/" + modes.get(i), ratios, "%.2f"));
            }
        }
    }

    /**
     * Sends {@code count} fresh messages in {@code mode}; returns {send, total, this JVM's CPU time
     * from start to total} in nanoseconds.
     */
    private long[] round(String mode, int count) throws Exception {
        LogMessage[] messages = new LogMessage[count];
        for (int i = 0; i < count; i++) {
            messages[i] = SampleMessages.message(nextId).withId("log-" + nextId).withDeviceId(DEVICE);
            nextId++;
        }
        long expected = receivedLines + count;
        Object prepared = prepare(mode, messages);
        long cpuStart = processCpuNanos();
        long start = System.nanoTime();
        send(mode, messages, prepared);
        long sent = System.nanoTime() - start;
        awaitReceived(expected);
        long total = System.nanoTime() - start;
        long cpu = processCpuNanos() - cpuStart;
        if (prepared instanceof StoredBacklog backlog) {
            // Closing the store and deleting its files is teardown, as making it was setup: the
            // other modes have neither, so neither is timed.
            backlog.close();
        }
        return new long[] {sent, total, cpu};
    }

    private Object prepare(String mode, LogMessage[] messages) throws IOException {
        if ("forwarder".equals(mode)) {
            return StoredBacklog.write(Arrays.asList(messages));
        }
        if ("forwarder-plain".equals(mode)) {
            return StoredBacklog.write(Arrays.asList(messages), false);
        }
        return "plain".equals(mode) ? frames(messages) : null;
    }

    private void send(String mode, LogMessage[] messages, Object prepared) throws IOException {
        switch (mode) {
            case "sink":
                try (SyslogSink sink = SyslogSink.builder("127.0.0.1", port).build()) {
                    for (int from = 0; from < messages.length; from += BATCH) {
                        sink.deliver(Arrays.asList(messages).subList(from, Math.min(messages.length, from + BATCH)));
                    }
                }
                break;
            case "forwarder":
            case "forwarder-plain":
                ((StoredBacklog) prepared).forwardTo(SyslogSink.builder("127.0.0.1", port).build(), BATCH);
                break;
            case "naive":
                try (Socket socket = new Socket("127.0.0.1", port)) {
                    socket.setTcpNoDelay(true);
                    OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
                    for (LogMessage m : messages) {
                        out.write(frame(m));
                    }
                    out.flush();
                }
                break;
            case "plain":
                try (Socket socket = new Socket("127.0.0.1", port)) {
                    socket.setTcpNoDelay(true);
                    OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
                    for (byte[] frame : (byte[][]) prepared) {
                        out.write(frame);
                    }
                    out.flush();
                }
                break;
            default:
                throw new IllegalArgumentException("unknown mode '" + mode + "' (known: plain, naive, sink, forwarder, forwarder-plain)");
        }
    }

    private static byte[][] frames(LogMessage[] messages) {
        byte[][] frames = new byte[messages.length][];
        for (int i = 0; i < messages.length; i++) {
            frames[i] = frame(messages[i]);
        }
        return frames;
    }

    /**
     * The frame the sink sends for a sample message, formatted the obvious way (no escaping or
     * checks: sample texts need none).
     */
    private static byte[] frame(LogMessage m) {
        String message = "<" + (8 + SEVERITIES[m.level().ordinal()]) + ">1 "
                + DateTimeFormatter.ISO_INSTANT.format(m.timestamp()) + " " + DEVICE + " container-logging - "
                + m.id() + " [cl@32473 container=\"" + m.containerId() + "\" service=\"" + m.serviceName()
                + "\" serviceId=\"" + m.serviceId() + "\" device=\"" + DEVICE + "\""
                + (m.isStdErr() ? " stream=\"stderr\"" : "") + "] " + m.message();
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        byte[] count = (bytes.length + " ").getBytes(StandardCharsets.US_ASCII);
        byte[] frame = new byte[count.length + bytes.length];
        System.arraycopy(count, 0, frame, 0, count.length);
        System.arraycopy(bytes, 0, frame, count.length, bytes.length);
        return frame;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Waits until the output file has {@code lines} lines in all, reading only what was added. */
    private void awaitReceived(long lines) throws IOException, InterruptedException {
        ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
        long deadline = System.nanoTime() + 300_000_000_000L;
        try (FileChannel file = FileChannel.open(received, StandardOpenOption.READ)) {
            while (receivedLines < lines) {
                buffer.clear();
                int n = file.read(buffer, receivedOffset);
                if (n <= 0) {
                    if (System.nanoTime() > deadline) {
                        throw new IOException("rsyslogd wrote " + receivedLines + " of " + lines + " lines");
                    }
                    Thread.sleep(2);
                    continue;
                }
                receivedOffset += n;
                for (int i = 0; i < n; i++) {
                    if (buffer.get(i) == '\n') {
                        receivedLines++;
                    }
                }
            }
        }
    }

    private static String summary(String name, List<Double> values, String format) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        return name + " median=" + String.format(format, median) + " min=" + String.format(format, sorted.get(0))
                + " max=" + String.format(format, sorted.get(n - 1)) + " n=" + n;
    }
}

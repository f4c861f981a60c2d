package io.containerlogging.local;

import io.containerlogging.core.internal.StateFile;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code cleanup} removed, remembered across restarts ({@value #FILE_NAME} in the log
 * directory). A cleanup with a shorter age than the configured one removes lines that are still in
 * files the backend must keep for other lines; rather than rewrite those files, the backend records
 * "messages up to id N older than T are removed" and the reload leaves them out. Entries that the
 * configured age already covers are dropped, so the file stays small.
 *
 * <p>Thread-safety: immutable; {@link #with} returns a new instance.
 */
final class Removals {

    static final String FILE_NAME = "removed.json";
    static final Removals NONE = new Removals(List.of());
    private static final int MAX_ENTRIES = 64;
    private static final Pattern ENTRY = Pattern.compile(
            "\\{\\s*\"before\"\\s*:\\s*(-?\\d{1,19})\\s*,\\s*\"through\"\\s*:\\s*(\\d{1,18})\\s*}");

    /** Messages with an id sequence up to {@code through} and a timestamp before {@code before} are removed. */
    record Entry(long beforeEpochNanos, long through) {
    }

    private final List<Entry> entries;

    private Removals(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** Whether a cleanup removed the message with this id sequence and timestamp. */
    boolean removes(long sequence, Instant timestamp) {
        return !entries.isEmpty() && removes(sequence, EpochNanos.of(timestamp));
    }

    /** {@link #removes(long, Instant)} for a timestamp as {@link EpochNanos} gives it. */
    boolean removes(long sequence, long nanos) {
        for (Entry entry : entries) {
            if (sequence <= entry.through() && nanos < entry.beforeEpochNanos()) {
                return true;
            }
        }
        return false;
    }

    /** These removals plus one, without the entries that {@code coveredBefore} (the configured age) already implies. */
    Removals with(Instant before, long through, Instant coveredBefore) {
        long covered = EpochNanos.of(coveredBefore);
        List<Entry> kept = new ArrayList<>();
        for (Entry entry : entries) {
            if (entry.beforeEpochNanos() > covered) {
                kept.add(entry);
            }
        }
        kept.add(new Entry(EpochNanos.of(before), through));
        while (kept.size() > MAX_ENTRIES) {
            kept.remove(0);
        }
        return new Removals(kept);
    }

    static Removals load(Path dir) throws IOException {
        String text = new StateFile(dir.resolve(FILE_NAME)).read();
        if (text == null) {
            return NONE;
        }
        List<Entry> entries = new ArrayList<>();
        Matcher matcher = ENTRY.matcher(text);
        while (matcher.find()) {
            entries.add(new Entry(Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(2))));
        }
        return new Removals(entries);
    }

    void save(Path dir) throws IOException {
        StringBuilder json = new StringBuilder("{\"removed\":[");
        for (int i = 0; i < entries.size(); i++) {
            json.append(i == 0 ? "" : ",").append("{\"before\":").append(entries.get(i).beforeEpochNanos())
                    .append(",\"through\":").append(entries.get(i).through()).append('}');
        }
        json.append("]}\n");
        new StateFile(dir.resolve(FILE_NAME)).write(json.toString());
    }
}

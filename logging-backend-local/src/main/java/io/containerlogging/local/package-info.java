/**
 * {@link io.containerlogging.local.LocalLogBackend}: the newest log messages in an indexed
 * in-memory ring, optionally persisted as NDJSON files and reloaded at start-up.
 *
 * <h2>File layout</h2>
 * <pre>
 * logDir/                                    0700
 *   container-manager-&lt;epoch-ms&gt;.log         0600  being written (plain NDJSON), one per class
 *   container-manager-&lt;epoch-ms&gt;.log.gz      0600  rotated, gzip-compressed in the background
 *   keep-7d/container-manager-&lt;epoch-ms&gt;...        files of messages kept 7 days
 *   keep-1h/container-manager-&lt;epoch-ms&gt;...        files of messages kept 1 hour
 *   checkpoints.json  ids.json  removed.json       durable state, each replaced atomically
 * </pre>
 * Messages go to the files of their <em>retention class</em>: all messages whose age limit
 * ({@link io.containerlogging.local.RetentionPolicy}, else {@code maxAge}) is the same share one
 * sequence of files, the default age in {@code logDir} itself, every other age in a
 * {@code keep-<age>} directory. Without a retention policy there is one class, and the layout is
 * the seed's, plus compression.
 *
 * <p><b>Why files per retention class</b>, rather than one sequence of files that compaction
 * rewrites without the expired lines:
 * <ul>
 *   <li>Retention stays what it was: deleting whole files, judged by names and times, never by
 *       reading them. Compaction would decompress, filter and recompress every old file at every
 *       cleanup in which any of its lines expires: with {@code web=1h} next to a 24 h default,
 *       every file of the last day, every hour. On an SD card that is wear as well as CPU.</li>
 *   <li>The disk budget can delete what matters least first. It deletes the file that retention
 *       would delete first (earliest start plus its class's age), so a noisy service kept for an
 *       hour is deleted before the one error kept for a week; with one sequence of files, the
 *       oldest file would take that error with it.</li>
 *   <li>A crash can only tear the file being written, never a file being rewritten.</li>
 * </ul>
 * The cost: one open file per class that has received lines (a few; ages, not services, make the
 * classes), and lines of one service at two levels in two files. The reload reads each class
 * newest first and merges by id. Each file is closed (and compressed) once it is as old as its
 * class's age, so that a quiet class's lines go one age after they were written; until then the
 * memory, the reload and the next start leave out any line past its age, so queries and restarts
 * agree even while the file still holds it.
 *
 * <p><b>Why gzip, after rotation, on its own thread:</b> the file being written stays plain, so a
 * crash can tear only its last line, never a compressed stream. The files compress 8–30 times at
 * deflate's fastest level (docs/BENCHMARKS.md); gzip needs nothing beyond the JDK and any tool reads it
 * ({@code zcat}). The copy is written beside the file, forced to the device and renamed into place
 * before the plain file is deleted, so a crash leaves one complete copy or the other (both are
 * tidied at start). Budget, compression and retention change the set of files only under one lock
 * ({@code FileCatalog}), so none undoes another.
 *
 * <p>What retention or the budget removes never comes back and is never read again from Docker:
 * the read checkpoints ({@code checkpoints.json}) are kept apart from the files and never moved
 * back by a deletion.
 */
package io.containerlogging.local;

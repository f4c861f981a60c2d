package io.containerlogging.local;

/**
 * What the log files of a {@link LocalLogBackend} take on disk, and what compression, the disk
 * budget and retention did to them since the backend started. All zero without file persistence.
 *
 * @param files log files on disk now (compressed or not, the ones being written included)
 * @param compressedFiles of those, the compressed ones
 * @param bytesOnDisk their size in bytes (the files being written as far as written)
 * @param compressedBytesIn plain bytes compressed so far
 * @param compressedBytesOut compressed bytes those became
 * @param compressionCpuNanos CPU time the compression thread spent on them, where the JVM measures it
 * @param budgetDeletedFiles files deleted to keep within {@code maxTotalSize}
 * @param budgetDeletedBytes their bytes
 * @param budgetDeletedMessages the messages they held, where known (files of an earlier run that were
 *     not read at start are not counted); these are gone from queries too
 * @param retentionDeletedFiles files deleted because every line in them was past its age
 */
public record StorageStatistics(int files, int compressedFiles, long bytesOnDisk, long compressedBytesIn,
        long compressedBytesOut, long compressionCpuNanos, long budgetDeletedFiles, long budgetDeletedBytes,
        long budgetDeletedMessages, long retentionDeletedFiles) {

    static final StorageStatistics NONE = new StorageStatistics(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}

package io.containerlogging.core.spi;

/**
 * Hands out the sequence numbers behind message ids ({@code log-N}): strictly increasing, never
 * repeated while the sequence lives. {@link AbstractLogBackend} calls {@link #next()} under its
 * append lock, so an implementation need not be thread-safe.
 *
 * <p>Two ship with the library: {@link #counter()} (1, 2, 3, ...: the local backend), and the
 * OpenSearch backend's time-and-device-slot ids, unique across a fleet writing to one index.
 */
public interface IdSequence {

    /**
     * The next sequence number, greater than every one returned before and than the one given to
     * {@link #continueAfter}.
     *
     * @return a number of at least 1
     */
    long next();

    /**
     * Makes every later {@link #next()} greater than {@code sequence}: called at start with the
     * highest sequence the store already holds. A lower value than the current one changes nothing.
     *
     * @param sequence the highest sequence known to be used
     */
    void continueAfter(long sequence);

    /**
     * A plain counter starting at 1.
     *
     * @return a new counter
     */
    static IdSequence counter() {
        return new IdSequence() {
            private long last;

            @Override
            public long next() {
                return ++last;
            }

            @Override
            public void continueAfter(long sequence) {
                last = Math.max(last, sequence);
            }

            @Override
            public String toString() {
                return "IdSequence.counter[last=" + last + "]";
            }
        };
    }
}

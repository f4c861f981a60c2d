package io.containerlogging.forward.kafka;

import java.util.Locale;

/**
 * A compression codec for the record batches of a {@link KafkaSink}. Only {@link #NONE} and
 * {@link #GZIP} work with the jars this module brings: the others need their library on the class
 * path, which {@link KafkaSink.Builder#build()} checks.
 */
public enum KafkaCompression {
    /** No compression. */
    NONE("none", null, null),
    /** gzip through the JDK's {@code java.util.zip}: no extra library. */
    GZIP("gzip", null, null),
    /** LZ4: needs {@code at.yawk.lz4:lz4-java} (it carries JNI builds, with a Java fallback). */
    LZ4("lz4", "net.jpountz.lz4.LZ4Factory", "at.yawk.lz4:lz4-java"),
    /** Snappy: needs {@code org.xerial.snappy:snappy-java} (native code). */
    SNAPPY("snappy", "org.xerial.snappy.Snappy", "org.xerial.snappy:snappy-java"),
    /** Zstandard: needs {@code com.github.luben:zstd-jni} (native code, about 7 MB). */
    ZSTD("zstd", "com.github.luben.zstd.Zstd", "com.github.luben:zstd-jni");

    private final String kafkaName;
    private final String probeClass;
    private final String artifact;

    KafkaCompression(String kafkaName, String probeClass, String artifact) {
        this.kafkaName = kafkaName;
        this.probeClass = probeClass;
        this.artifact = artifact;
    }

    /** The producer's {@code compression.type} value. */
    String kafkaName() {
        return kafkaName;
    }

    /** @throws IllegalStateException if the codec's library is not on the class path */
    void checkAvailable() {
        if (probeClass == null) {
            return;
        }
        try {
            Class.forName(probeClass, false, KafkaCompression.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("compression " + name().toLowerCase(Locale.ROOT) + " needs "
                    + artifact + " on the class path (logging-forward-kafka leaves it out)");
        }
    }
}

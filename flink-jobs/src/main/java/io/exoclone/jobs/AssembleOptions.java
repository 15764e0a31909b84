package io.exoclone.jobs;

import io.exoclone.format.Compression;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Settings of {@link AssembleJob}, from a properties file and flags. Keys: {@code bootstrap},
 * {@code to}, {@code topic.node-changes}, {@code topic.published}, {@code topic.dead-letter},
 * {@code group.id}, {@code transactional.id.prefix}, {@code checkpoint.interval.ms}, {@code
 * checkpoint.dir} (a URI Flink can write, shared by the cluster; unset: the cluster's own), {@code
 * state.backend} ({@code heap} or {@code rocksdb}), {@code parallelism}, {@code compression}
 * ({@code none}, the default, which importers adopt zero-copy, or {@code lz4}), {@code hadoop.*}
 * (passed to Hadoop without the prefix, for example {@code hadoop.fs.s3a.endpoint}), and {@code
 * kafka.*} (passed to the change feed's Kafka consumer without the prefix, over the bulk defaults
 * of {@link #BULK_CONSUMER_DEFAULTS}, for example {@code kafka.max.partition.fetch.bytes}).
 */
public record AssembleOptions(
        String bootstrap,
        URI target,
        String nodeChangesTopic,
        String publishedTopic,
        String deadLetterTopic,
        String groupId,
        String transactionalIdPrefix,
        long checkpointIntervalMs,
        String stateBackend,
        int parallelism,
        String checkpointDir,
        Map<String, String> hadoopProperties,
        Compression compression,
        Map<String, String> consumerProperties) {

    /**
     * Consumer settings of the change feed's source for bulk data: feed records are up to {@code
     * maxRecordBytes} (1 MiB by default) and come in transactions of many records, so fetch several
     * MiB per partition and request (the client defaults, 1 MiB per partition and a 64 KiB socket
     * buffer, mean about a round trip per record). {@code fetch.min.bytes} stays 1: a larger
     * minimum with a short {@code fetch.max.wait.ms} made an idle source poll the broker 50 times a
     * second (measured: broker fetch threads became a visible CPU share at 10 MB/s).
     */
    public static final Map<String, String> BULK_CONSUMER_DEFAULTS =
            Map.of(
                    "max.partition.fetch.bytes", Integer.toString(8 << 20),
                    "fetch.max.bytes", Integer.toString(64 << 20),
                    "receive.buffer.bytes", Integer.toString(1 << 20));

    /** Consumer settings the job owns: exactly-once and decoding depend on them. */
    static final java.util.Set<String> RESERVED_CONSUMER_KEYS =
            java.util.Set.of(
                    "bootstrap.servers",
                    "group.id",
                    "isolation.level",
                    "key.deserializer",
                    "value.deserializer",
                    "enable.auto.commit");

    public AssembleOptions {
        hadoopProperties = Collections.unmodifiableMap(new HashMap<>(hadoopProperties));
        consumerProperties = Collections.unmodifiableMap(new HashMap<>(consumerProperties));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder; {@link #build} checks every value and names the bad one. */
    public static final class Builder {
        private final Properties p = new Properties();

        private Builder() {}

        /** Loads a properties file; later calls and flags win over it. */
        public Builder file(Path file) {
            try (Reader r = Files.newBufferedReader(file)) {
                Properties loaded = new Properties();
                loaded.load(r);
                p.putAll(loaded);
            } catch (IOException e) {
                throw new IllegalArgumentException(
                        "Cannot read config file " + file + ": " + e.getMessage(), e);
            }
            return this;
        }

        public Builder set(String key, String value) {
            if (value != null) {
                p.setProperty(key, value);
            }
            return this;
        }

        public Builder bootstrap(String v) {
            return set("bootstrap", v);
        }

        public Builder target(String v) {
            return set("to", v);
        }

        public Builder checkpointIntervalMs(long v) {
            return set("checkpoint.interval.ms", Long.toString(v));
        }

        public Builder parallelism(int v) {
            return set("parallelism", Integer.toString(v));
        }

        public Builder stateBackend(String v) {
            return set("state.backend", v);
        }

        /** {@code none} or {@code lz4}. */
        public Builder compression(String v) {
            return set("compression", v);
        }

        public Builder checkpointDir(String v) {
            return set("checkpoint.dir", v);
        }

        public Builder hadoop(Map<String, String> props) {
            props.forEach((k, v) -> set("hadoop." + k, v));
            return this;
        }

        public AssembleOptions build() {
            String bootstrap = required("bootstrap");
            if (!bootstrap.matches("[^\\s:,]+:\\d+(,[^\\s:,]+:\\d+)*")) {
                throw new IllegalArgumentException(
                        "bootstrap must be HOST:PORT[,HOST:PORT...], got '" + bootstrap + "'");
            }
            String to = required("to");
            URI target = URI.create(to);
            if (target.getScheme() == null) {
                throw new IllegalArgumentException(
                        "to must be a URI with a scheme (hdfs://, s3a://, file://), got '"
                                + to
                                + "'");
            }
            long interval = number("checkpoint.interval.ms", "10000");
            if (interval < 100) {
                throw new IllegalArgumentException(
                        "checkpoint.interval.ms must be at least 100, got " + interval);
            }
            String backend = p.getProperty("state.backend", "heap");
            if (!backend.equals("heap") && !backend.equals("rocksdb")) {
                throw new IllegalArgumentException(
                        "state.backend must be heap or rocksdb, got '" + backend + "'");
            }
            long parallelism = number("parallelism", "-1");
            if (parallelism == 0 || parallelism < -1 || parallelism > 32768) {
                throw new IllegalArgumentException(
                        "parallelism must be between 1 and 32768 (or -1 for the default), got "
                                + parallelism);
            }
            String compression = p.getProperty("compression", "none").trim().toLowerCase();
            if (!compression.equals("none") && !compression.equals("lz4")) {
                throw new IllegalArgumentException(
                        "compression must be none or lz4, got '" + compression + "'");
            }
            Map<String, String> hadoop = new HashMap<>();
            for (String k : p.stringPropertyNames()) {
                if (k.startsWith("hadoop.")) {
                    hadoop.put(k.substring("hadoop.".length()), p.getProperty(k));
                }
            }
            Map<String, String> consumer = new HashMap<>(BULK_CONSUMER_DEFAULTS);
            for (String k : p.stringPropertyNames()) {
                if (k.startsWith("kafka.")) {
                    String key = k.substring("kafka.".length());
                    if (RESERVED_CONSUMER_KEYS.contains(key)) {
                        throw new IllegalArgumentException(
                                "kafka." + key + " is set by the job and cannot be changed");
                    }
                    consumer.put(key, p.getProperty(k).trim());
                }
            }
            return new AssembleOptions(
                    bootstrap,
                    target,
                    p.getProperty("topic.node-changes", "exoclone.node-changes"),
                    p.getProperty("topic.published", "exoclone.published"),
                    p.getProperty("topic.dead-letter", "exoclone.dead-letter"),
                    p.getProperty("group.id", "exoclone-assemble"),
                    p.getProperty("transactional.id.prefix", "exoclone-assemble"),
                    interval,
                    backend,
                    (int) parallelism,
                    checkpointDir(),
                    hadoop,
                    compression.equals("lz4") ? Compression.LZ4 : Compression.NONE,
                    consumer);
        }

        private String checkpointDir() {
            String dir = p.getProperty("checkpoint.dir");
            if (dir == null || dir.isBlank()) {
                return null;
            }
            if (URI.create(dir.trim()).getScheme() == null) {
                throw new IllegalArgumentException(
                        "checkpoint.dir must be a URI with a scheme (file://, hdfs://), got '"
                                + dir
                                + "'");
            }
            return dir.trim();
        }

        private String required(String key) {
            String v = p.getProperty(key);
            if (v == null || v.isBlank()) {
                throw new IllegalArgumentException("Missing setting '" + key + "'");
            }
            return v.trim();
        }

        private long number(String key, String dflt) {
            String v = p.getProperty(key, dflt).trim();
            try {
                return Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " must be a number, got '" + v + "'");
            }
        }
    }
}

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
 * ({@code none}, the default, which importers adopt zero-copy, or {@code lz4}), and {@code
 * hadoop.*} (passed to Hadoop without the prefix, for example {@code hadoop.fs.s3a.endpoint}).
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
        Compression compression) {

    public AssembleOptions {
        hadoopProperties = Collections.unmodifiableMap(new HashMap<>(hadoopProperties));
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
                    compression.equals("lz4") ? Compression.LZ4 : Compression.NONE);
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

package io.exoclone.jobs.pipeline;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a {@link Pipeline} runs against. Every service is optional: without {@code bootstrap} the
 * pipeline starts a Kafka broker in this JVM, without {@code flink} a Flink cluster in this JVM
 * (with its dashboard), without {@code storage} exo-clone files go under the work directory.
 *
 * @param work local directory for the pipeline's state: the embedded broker's logs, Flink
 *     checkpoints and savepoints (unless {@code checkpointDir}), default storage
 * @param replicaPool the replica pool directory (site B); ReplicateJob opens it
 * @param site name of the replica site in statuses (also names the Kafka consumer groups)
 * @param bootstrap Kafka bootstrap servers, or null for the embedded broker
 * @param flink Flink REST endpoint {@code HOST:PORT}, or null for the embedded cluster
 * @param storage base URI of exo-clone files, or null for {@code WORK/exoclones}
 * @param checkpointDir base URI of checkpoints and savepoints, or null for {@code WORK/state}
 * @param jobJar the job jar to submit to a remote cluster, or null for the one the build made
 * @param checkpointInterval Flink checkpoint interval; files are committed and published at
 *     checkpoints, so it bounds the replication lag
 * @param drainTimeout how long a stop waits for published snapshots to be replicated
 * @param flinkSettings extra Flink settings for both jobs (and the embedded cluster)
 * @param hadoopSettings Hadoop settings for hdfs:// and s3a:// storage
 */
public record PipelineSettings(
        Path work,
        Path replicaPool,
        String site,
        String bootstrap,
        String flink,
        URI storage,
        URI checkpointDir,
        Path jobJar,
        Duration checkpointInterval,
        Duration drainTimeout,
        Map<String, String> flinkSettings,
        Map<String, String> hadoopSettings) {

    public PipelineSettings {
        flinkSettings = Map.copyOf(flinkSettings);
        hadoopSettings = Map.copyOf(hadoopSettings);
    }

    public static Builder builder(Path work, Path replicaPool) {
        return new Builder(work, replicaPool);
    }

    /** The storage URI: the given one or {@code WORK/exoclones}. */
    URI storageUri() {
        return storage != null ? storage : work.resolve("exoclones").toUri();
    }

    /** The base of checkpoints and savepoints: the given one or {@code WORK/state}. */
    URI checkpointBase() {
        return checkpointDir != null ? checkpointDir : work.resolve("state").toUri();
    }

    Optional<String> externalBootstrap() {
        return Optional.ofNullable(bootstrap);
    }

    /** Builder; {@link #build} checks the values and names the bad one. */
    public static final class Builder {
        private final Path work;
        private final Path replicaPool;
        private String site;
        private String bootstrap;
        private String flink;
        private URI storage;
        private URI checkpointDir;
        private Path jobJar;
        private Duration checkpointInterval = Duration.ofSeconds(1);
        private Duration drainTimeout = Duration.ofMinutes(2);
        private final Map<String, String> flinkSettings = new LinkedHashMap<>();
        private final Map<String, String> hadoopSettings = new LinkedHashMap<>();

        private Builder(Path work, Path replicaPool) {
            this.work = work;
            this.replicaPool = replicaPool;
        }

        public Builder site(String v) {
            site = v;
            return this;
        }

        public Builder bootstrap(String v) {
            bootstrap = v;
            return this;
        }

        public Builder flink(String v) {
            flink = v;
            return this;
        }

        public Builder storage(String v) {
            storage = v == null ? null : URI.create(v);
            return this;
        }

        public Builder checkpointDir(String v) {
            checkpointDir = v == null ? null : URI.create(v);
            return this;
        }

        public Builder jobJar(Path v) {
            jobJar = v;
            return this;
        }

        public Builder checkpointInterval(Duration v) {
            checkpointInterval = v;
            return this;
        }

        public Builder drainTimeout(Duration v) {
            drainTimeout = v;
            return this;
        }

        public Builder flinkSettings(Map<String, String> v) {
            flinkSettings.putAll(v);
            return this;
        }

        public Builder hadoopSettings(Map<String, String> v) {
            hadoopSettings.putAll(v);
            return this;
        }

        public PipelineSettings build() {
            if (work == null || replicaPool == null) {
                throw new IllegalArgumentException(
                        "A work directory and a replica pool are required, got work="
                                + work
                                + " replica="
                                + replicaPool);
            }
            String s = site != null ? site : siteName(replicaPool);
            if (!s.matches("[A-Za-z0-9._-]{1,64}")) {
                throw new IllegalArgumentException(
                        "Site name must be 1-64 letters, digits, '.', '_' or '-', got '" + s + "'");
            }
            if (bootstrap != null && !bootstrap.matches("[^\\s:,]+:\\d+(,[^\\s:,]+:\\d+)*")) {
                throw new IllegalArgumentException(
                        "--bootstrap must be HOST:PORT[,HOST:PORT...], got '" + bootstrap + "'");
            }
            if (flink != null && !flink.matches("[^\\s:]+:\\d+")) {
                throw new IllegalArgumentException(
                        "--flink must be HOST:PORT, got '" + flink + "'");
            }
            for (URI u : new URI[] {storage, checkpointDir}) {
                if (u != null && u.getScheme() == null) {
                    throw new IllegalArgumentException(
                            "Expected a URI with a scheme (file://, hdfs://, s3a://), got '"
                                    + u
                                    + "'");
                }
            }
            if (checkpointInterval.toMillis() < 100) {
                throw new IllegalArgumentException(
                        "Checkpoint interval must be at least 100 ms, got "
                                + checkpointInterval.toMillis()
                                + " ms");
            }
            return new PipelineSettings(
                    work.toAbsolutePath(),
                    replicaPool.toAbsolutePath(),
                    s,
                    bootstrap,
                    flink,
                    storage,
                    checkpointDir,
                    jobJar,
                    checkpointInterval,
                    drainTimeout,
                    flinkSettings,
                    hadoopSettings);
        }

        /** The replica pool's directory name, made safe for a site name. */
        static String siteName(Path pool) {
            Path name = pool.toAbsolutePath().normalize().getFileName();
            String n =
                    name == null ? "replica" : name.toString().replaceAll("[^A-Za-z0-9._-]", "-");
            return n.isEmpty() ? "replica" : n.substring(0, Math.min(64, n.length()));
        }
    }
}

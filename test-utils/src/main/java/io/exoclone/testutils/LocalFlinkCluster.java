package io.exoclone.testutils;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.client.JobStatusMessage;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironmentFactory;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A Flink {@link MiniCluster} in this JVM, bound to 127.0.0.1 only (RPC, blob server, REST), with
 * no restarts by default, and {@link StreamExecutionEnvironment}s that run jobs on it.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final LocalFlinkCluster FLINK = LocalFlinkCluster.builder().taskSlots(2).build();
 *
 * StreamExecutionEnvironment env = FLINK.environment();
 * }</pre>
 *
 * <p>While the cluster runs, {@link StreamExecutionEnvironment#getExecutionEnvironment()} also
 * returns an environment on it, so a job class that builds its own environment runs here too. When
 * registered as an extension, jobs still running after a test are cancelled so the next test gets
 * every slot.
 */
public final class LocalFlinkCluster extends ServiceExtension implements AfterEachCallback {

    private static final long TIMEOUT_SECONDS = 60;

    private final int taskManagers;
    private final int slotsPerTaskManager;
    private final Configuration extra;

    private Path tempDir;
    private MiniCluster miniCluster;
    private URI restAddress;

    /** One task manager with two slots. */
    public LocalFlinkCluster() {
        this(builder());
    }

    private LocalFlinkCluster(Builder builder) {
        this.taskManagers = builder.taskManagers;
        this.slotsPerTaskManager = builder.slotsPerTaskManager;
        this.extra = new Configuration(builder.configuration);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public synchronized void start() {
        if (miniCluster != null) {
            return;
        }
        tempDir = Loopback.createTempDir("exoclone-flink-");
        Configuration config = clusterConfiguration();
        MiniCluster cluster =
                new MiniCluster(
                        new MiniClusterConfiguration.Builder()
                                .setConfiguration(config)
                                .setNumTaskManagers(taskManagers)
                                .setNumSlotsPerTaskManager(slotsPerTaskManager)
                                .setCommonBindAddress(Loopback.HOST)
                                .build());
        try {
            cluster.start();
            restAddress = cluster.getRestAddress().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            closeQuietly(cluster);
            deleteTempDir();
            throw new IllegalStateException("Could not start a Flink MiniCluster", e);
        }
        miniCluster = cluster;
        ContextEnvironment.install(this::environment);
    }

    private Configuration clusterConfiguration() {
        Configuration config = new Configuration();
        config.set(RestOptions.BIND_ADDRESS, Loopback.HOST);
        config.set(RestOptions.ADDRESS, Loopback.HOST);
        config.set(RestOptions.BIND_PORT, "0");
        config.set(JobManagerOptions.BIND_HOST, Loopback.HOST);
        config.set(JobManagerOptions.ADDRESS, Loopback.HOST);
        config.set(TaskManagerOptions.BIND_HOST, Loopback.HOST);
        config.set(TaskManagerOptions.HOST, Loopback.HOST);
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        config.set(CoreOptions.TMP_DIRS, tempDir.toString());
        config.set(CoreOptions.DEFAULT_PARALLELISM, parallelism());
        config.addAll(extra);
        return config;
    }

    /**
     * A new environment that executes on this cluster, with the cluster's settings (restart
     * strategy, default parallelism = every slot) as its defaults.
     */
    public StreamExecutionEnvironment environment() {
        return environment(new Configuration());
    }

    /** Like {@link #environment()}, with these job settings on top of the cluster's. */
    public StreamExecutionEnvironment environment(Configuration settings) {
        MiniCluster cluster = running();
        Configuration config = clusterConfiguration();
        config.addAll(settings);
        config.set(DeploymentOptions.TARGET, MiniClusterExecutors.NAME);
        config.set(DeploymentOptions.ATTACHED, true);
        return new StreamExecutionEnvironment(
                new MiniClusterExecutors(cluster),
                config,
                Thread.currentThread().getContextClassLoader());
    }

    /** Number of slots in the cluster, also the default parallelism of its environments. */
    public int parallelism() {
        return taskManagers * slotsPerTaskManager;
    }

    /**
     * {@code http://127.0.0.1:PORT} of the REST API (the dashboard too, with flink-runtime-web).
     */
    public URI restAddress() {
        running();
        return restAddress;
    }

    public int restPort() {
        return restAddress().getPort();
    }

    /** The running cluster, to list, cancel or inspect jobs. */
    public MiniCluster miniCluster() {
        return running();
    }

    /** Cancels every job that has not finished, and waits until they are gone. */
    public void cancelAllJobs() {
        MiniCluster cluster = running();
        try {
            List<JobID> cancelled = new ArrayList<>();
            for (JobStatusMessage job : cluster.listJobs().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                if (!job.getJobState().isGloballyTerminalState()) {
                    cluster.cancelJob(job.getJobId()).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    cancelled.add(job.getJobId());
                }
            }
            for (JobID id : cancelled) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
                while (!cluster.getJobStatus(id)
                        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                        .isGloballyTerminalState()) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("Job " + id + " did not cancel in time");
                    }
                    Thread.sleep(20);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while cancelling jobs", e);
        } catch (Exception e) {
            throw new IllegalStateException("Could not cancel the jobs on the MiniCluster", e);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (isRunning()) {
            cancelAllJobs();
        }
    }

    public synchronized boolean isRunning() {
        return miniCluster != null;
    }

    @Override
    public synchronized void close() {
        if (miniCluster == null) {
            return;
        }
        ContextEnvironment.uninstall();
        MiniCluster cluster = miniCluster;
        miniCluster = null;
        restAddress = null;
        try {
            cluster.closeAsync().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while closing the MiniCluster", e);
        } catch (Exception e) {
            throw new IllegalStateException("Could not close the MiniCluster", e);
        } finally {
            deleteTempDir();
        }
    }

    private synchronized MiniCluster running() {
        if (miniCluster == null) {
            throw new IllegalStateException("The Flink MiniCluster is not running");
        }
        return miniCluster;
    }

    private static void closeQuietly(MiniCluster cluster) {
        try {
            cluster.close();
        } catch (Exception e) {
            // Startup failed already; that is the error worth reporting.
        }
    }

    private void deleteTempDir() {
        try {
            Loopback.deleteRecursively(tempDir);
        } catch (IOException e) {
            // Flink may still hold a file for a moment; the OS cleans /tmp eventually.
        }
        tempDir = null;
    }

    /** Exposes the protected context-environment hooks of {@link StreamExecutionEnvironment}. */
    private static final class ContextEnvironment extends StreamExecutionEnvironment {
        static void install(StreamExecutionEnvironmentFactory factory) {
            initializeContextEnvironment(factory);
        }

        static void uninstall() {
            resetContextEnvironment();
        }
    }

    /** Options for a {@link LocalFlinkCluster}. */
    public static final class Builder {
        private int taskManagers = 1;
        private int slotsPerTaskManager = 2;
        private final Configuration configuration = new Configuration();

        private Builder() {}

        /** Slots per task manager; default 2. */
        public Builder taskSlots(int slots) {
            if (slots < 1) {
                throw new IllegalArgumentException("Task slots must be at least 1, got " + slots);
            }
            this.slotsPerTaskManager = slots;
            return this;
        }

        /** Number of task managers; default 1. */
        public Builder taskManagers(int count) {
            if (count < 1) {
                throw new IllegalArgumentException(
                        "Task managers must be at least 1, got " + count);
            }
            this.taskManagers = count;
            return this;
        }

        /**
         * Adds Flink settings for the cluster and its environments, applied after the helper's own
         * (so a restart strategy set here wins over "none"). Bind addresses stay 127.0.0.1 unless
         * overridden here.
         */
        public Builder configuration(Configuration settings) {
            this.configuration.addAll(settings);
            return this;
        }

        public LocalFlinkCluster build() {
            return new LocalFlinkCluster(this);
        }
    }
}

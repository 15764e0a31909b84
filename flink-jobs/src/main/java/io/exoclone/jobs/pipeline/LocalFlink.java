package io.exoclone.jobs.pipeline;

import io.exoclone.jobs.LoopbackFlink;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;

/**
 * A Flink cluster in this JVM (a {@link MiniCluster}) with its web dashboard, every endpoint bound
 * to 127.0.0.1. The pipeline submits its jobs to its REST address exactly as it submits to a remote
 * cluster; only the jars differ (none: the classes are already in this JVM).
 */
final class LocalFlink implements AutoCloseable {
    /** The dashboard's usual port; another one is used when it is taken. */
    static final int DASHBOARD_PORT = 8081;

    private final MiniCluster cluster;
    private final URI restAddress;
    private final boolean preferredPortBusy;

    private LocalFlink(MiniCluster cluster, URI restAddress, boolean preferredPortBusy) {
        this.cluster = cluster;
        this.restAddress = restAddress;
        this.preferredPortBusy = preferredPortBusy;
    }

    /**
     * Starts the cluster with {@code slots} task slots on port 8081, or on a free port when 8081 is
     * busy. {@code settings} are added last (for example {@code restart-strategy.type}).
     */
    static LocalFlink start(int slots, Path tmpDir, Configuration settings) throws Exception {
        boolean busy = !LocalKafka.isFree(DASHBOARD_PORT);
        Configuration c = LoopbackFlink.settings();
        c.set(RestOptions.BIND_PORT, busy ? "0" : Integer.toString(DASHBOARD_PORT));
        c.set(CoreOptions.DEFAULT_PARALLELISM, 1);
        Files.createDirectories(tmpDir);
        c.set(CoreOptions.TMP_DIRS, tmpDir.toString());
        // Jobs load their classes from this JVM's class path; Hadoop's shutdown hook still asks
        // the (closed) job class loader for its configuration when the JVM exits.
        c.set(CoreOptions.CHECK_LEAKED_CLASSLOADER, false);
        c.addAll(settings);
        MiniCluster cluster =
                new MiniCluster(
                        new MiniClusterConfiguration.Builder()
                                .setConfiguration(c)
                                .setNumTaskManagers(1)
                                .setNumSlotsPerTaskManager(slots)
                                .setCommonBindAddress(LocalKafka.HOST)
                                .build());
        try {
            cluster.start();
            URI rest = cluster.getRestAddress().get(60, TimeUnit.SECONDS);
            return new LocalFlink(cluster, rest, busy);
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
    }

    /** {@code http://127.0.0.1:PORT}: REST API and dashboard. */
    URI restAddress() {
        return restAddress;
    }

    /** {@code 127.0.0.1:PORT}, as {@code --flink} takes it. */
    String hostPort() {
        return restAddress.getHost() + ":" + restAddress.getPort();
    }

    /** Whether port 8081 was taken, so the dashboard is elsewhere. */
    boolean preferredPortBusy() {
        return preferredPortBusy;
    }

    @Override
    public void close() throws Exception {
        cluster.closeAsync().get(60, TimeUnit.SECONDS);
    }
}

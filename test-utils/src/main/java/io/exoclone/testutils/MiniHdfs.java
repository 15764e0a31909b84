package io.exoclone.testutils;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/**
 * A real HDFS in this JVM: a {@link MiniDFSCluster} with one name node and one data node, every RPC
 * and HTTP endpoint on 127.0.0.1, storage in a temp dir, replication 1 and permission checks off.
 *
 * <pre>{@code
 * @RegisterExtension static final MiniHdfs HDFS = new MiniHdfs();
 *
 * FileSystem fs = FileSystem.get(HDFS.uri(), HDFS.configuration());
 * }</pre>
 */
public final class MiniHdfs extends ServiceExtension {

    private static final String ANY_PORT = Loopback.HOST + ":0";

    private Path baseDir;
    private MiniDFSCluster cluster;
    private URI uri;
    private FileSystem fileSystem;

    @Override
    public synchronized void start() {
        if (cluster != null) {
            return;
        }
        baseDir = Loopback.createTempDir("exoclone-hdfs-");
        Configuration conf = new Configuration();
        clientProperties(false).forEach(conf::set);
        for (String key :
                new String[] {
                    "dfs.namenode.rpc-bind-host",
                    "dfs.namenode.servicerpc-bind-host",
                    "dfs.namenode.lifeline.rpc-bind-host",
                    "dfs.namenode.http-bind-host",
                    "dfs.namenode.https-bind-host",
                }) {
            conf.set(key, Loopback.HOST);
        }
        conf.set("dfs.namenode.http-address", ANY_PORT);
        conf.set("dfs.namenode.https-address", ANY_PORT);
        conf.set("dfs.datanode.address", ANY_PORT);
        conf.set("dfs.datanode.http.address", ANY_PORT);
        conf.set("dfs.datanode.https.address", ANY_PORT);
        conf.set("dfs.datanode.ipc.address", ANY_PORT);
        conf.set("dfs.permissions.enabled", "false");
        conf.set("dfs.namenode.safemode.extension", "0");
        conf.set("dfs.datanode.scan.period.hours", "-1");
        conf.set("dfs.namenode.handler.count", "4");
        conf.set("dfs.datanode.handler.count", "2");
        try {
            cluster =
                    new MiniDFSCluster.Builder(conf, baseDir.toFile())
                            .numDataNodes(1)
                            .storagesPerDatanode(1)
                            .nameNodePort(0)
                            .nameNodeHttpPort(0)
                            .checkDataNodeAddrConfig(true)
                            .waitSafeMode(true)
                            .build();
            cluster.waitActive();
        } catch (IOException e) {
            if (cluster != null) {
                cluster.shutdown(true);
                cluster = null;
            }
            deleteBaseDir();
            throw new UncheckedIOException("Could not start a MiniDFSCluster in " + baseDir, e);
        }
        uri = URI.create("hdfs://" + Loopback.HOST + ":" + cluster.getNameNodePort());
    }

    private Map<String, String> clientProperties(boolean withDefaultFs) {
        Map<String, String> props = new LinkedHashMap<>();
        if (withDefaultFs) {
            props.put(FileSystem.FS_DEFAULT_NAME_KEY, uri.toString());
        }
        props.put("dfs.replication", "1");
        // One data node: a write pipeline cannot swap in another one after a failure.
        props.put("dfs.client.block.write.replace-datanode-on-failure.enable", "false");
        return props;
    }

    /** {@code hdfs://127.0.0.1:PORT} of the name node. */
    public URI uri() {
        running();
        return uri;
    }

    /**
     * A new client configuration for this HDFS: {@code fs.defaultFS} is {@link #uri()}, and
     * replication is 1.
     */
    public Configuration configuration() {
        Configuration conf = new Configuration();
        hadoopProperties().forEach(conf::set);
        return conf;
    }

    /**
     * The settings of {@link #configuration()} as plain strings: serializable into a Flink task, or
     * passed to Flink's own Hadoop file systems with a {@code flink.hadoop.} prefix.
     */
    public Map<String, String> hadoopProperties() {
        running();
        return clientProperties(true);
    }

    /** A client for this HDFS, shared by callers and closed with the cluster: do not close it. */
    public synchronized FileSystem fileSystem() {
        running();
        if (fileSystem == null) {
            try {
                fileSystem = FileSystem.newInstance(uri, configuration());
            } catch (IOException e) {
                throw new UncheckedIOException("Could not open a client for " + uri, e);
            }
        }
        return fileSystem;
    }

    /** The running cluster, e.g. to restart the name node or a data node. */
    public MiniDFSCluster cluster() {
        return running();
    }

    public synchronized boolean isRunning() {
        return cluster != null;
    }

    @Override
    public synchronized void close() {
        if (cluster == null) {
            return;
        }
        try {
            if (fileSystem != null) {
                fileSystem.close();
            }
        } catch (IOException e) {
            // The cluster goes away next; a client that cannot close cleanly does not matter.
        } finally {
            fileSystem = null;
            cluster.shutdown(true);
            cluster = null;
            uri = null;
            deleteBaseDir();
        }
    }

    private synchronized MiniDFSCluster running() {
        if (cluster == null) {
            throw new IllegalStateException("The MiniDFSCluster is not running");
        }
        return cluster;
    }

    private void deleteBaseDir() {
        try {
            Loopback.deleteRecursively(baseDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not delete " + baseDir, e);
        }
        baseDir = null;
    }
}

package io.exoclone.jobs.pipeline;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A single-node Kafka cluster in this JVM for the embedded pipeline: one KRaft process acting as
 * broker and controller, listening on 127.0.0.1 only, its logs in a directory that outlives the
 * process, so a later run finds every topic, transaction and committed offset again.
 *
 * <p>The first start formats the directory ({@code StorageTool}) and records the cluster id and
 * ports in {@code broker.properties}; later starts reuse them (a port that is taken meanwhile is
 * replaced by a free one: clients only ever see {@link #bootstrapServers()} of this run).
 *
 * <p>The broker is main code because {@code exoclone replicate} and {@code exoclone demo} need it;
 * it is kept out of the Flink job jar. Tests use {@code io.exoclone.testutils.EmbeddedKafka}, the
 * same setup in a temp dir.
 */
public final class LocalKafka implements AutoCloseable {
    static final String HOST = "127.0.0.1";
    private static final String STATE_FILE = "broker.properties";
    private static final int NODE_ID = 1;

    private final Path dir;
    private KafkaRaftServer server;
    private int port;

    private LocalKafka(Path dir) {
        this.dir = dir;
    }

    /** Starts a broker whose data lives in {@code dir} (created or reused). */
    public static LocalKafka start(Path dir) {
        LocalKafka kafka = new LocalKafka(dir.toAbsolutePath());
        kafka.startServer();
        return kafka;
    }

    private void startServer() {
        Properties state = loadState();
        String clusterId = state.getProperty("cluster.id", Uuid.randomUuid().toString());
        int brokerPort = reusablePort(state.getProperty("port"));
        int controllerPort = reusablePort(state.getProperty("controller.port"));
        if (controllerPort == brokerPort) {
            controllerPort = freePort();
        }
        Properties props = brokerProperties(brokerPort, controllerPort);
        format(props, clusterId);
        KafkaRaftServer candidate = new KafkaRaftServer(KafkaConfig.fromProps(props), Time.SYSTEM);
        try {
            candidate.startup();
        } catch (RuntimeException e) {
            candidate.shutdown();
            candidate.awaitShutdown();
            throw new IllegalStateException(
                    "Could not start the embedded Kafka broker in " + dir + ": " + e.getMessage(),
                    e);
        }
        server = candidate;
        port = brokerPort;
        state.setProperty("cluster.id", clusterId);
        state.setProperty("port", Integer.toString(brokerPort));
        state.setProperty("controller.port", Integer.toString(controllerPort));
        store(state, dir.resolve(STATE_FILE), "Embedded Kafka broker of exoclone");
    }

    private Properties brokerProperties(int brokerPort, int controllerPort) {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", Integer.toString(NODE_ID));
        p.setProperty("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        p.setProperty(
                "listeners",
                "PLAINTEXT://"
                        + HOST
                        + ":"
                        + brokerPort
                        + ",CONTROLLER://"
                        + HOST
                        + ":"
                        + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", dir.resolve("logs").toString());
        // One broker: every internal topic has one replica and needs one in sync.
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("default.replication.factor", "1");
        p.setProperty("min.insync.replicas", "1");
        p.setProperty("num.partitions", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        // Small: it shares the machine with Flink and the pools.
        p.setProperty("num.network.threads", "2");
        p.setProperty("num.io.threads", "2");
        p.setProperty("background.threads", "2");
        p.setProperty("num.recovery.threads.per.data.dir", "1");
        p.setProperty("log.cleaner.threads", "1");
        p.setProperty("log.cleaner.dedupe.buffer.size", Integer.toString(4 * 1024 * 1024));
        // Quick to register, and patient: on a busy 2-core machine the controller may answer a
        // heartbeat late, which must not fence the only broker.
        p.setProperty("broker.heartbeat.interval.ms", "500");
        p.setProperty("broker.session.timeout.ms", "30000");
        return p;
    }

    /** Formats the log dir the first time; a formatted dir is left as it is. */
    private void format(Properties props, String clusterId) {
        Path file = dir.resolve("server.properties");
        store(props, file, "Embedded Kafka broker (written at each start)");
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int exit;
        try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            exit =
                    StorageTool.execute(
                            new String[] {
                                "format",
                                "--config",
                                file.toString(),
                                "--cluster-id",
                                clusterId,
                                "--ignore-formatted"
                            },
                            print);
        }
        if (exit != 0) {
            throw new IllegalStateException(
                    "Formatting Kafka storage in "
                            + dir
                            + " failed with exit code "
                            + exit
                            + ": "
                            + output.toString(StandardCharsets.UTF_8).strip());
        }
    }

    /** {@code 127.0.0.1:PORT}, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    /** Shuts the broker down cleanly (controlled shutdown); the data stays for the next run. */
    @Override
    public synchronized void close() {
        if (server != null) {
            KafkaRaftServer stopping = server;
            server = null;
            stopping.shutdown();
            stopping.awaitShutdown();
        }
    }

    private Properties loadState() {
        try {
            Files.createDirectories(dir);
            Properties p = new Properties();
            Path file = dir.resolve(STATE_FILE);
            if (Files.exists(file)) {
                try (InputStream in = Files.newInputStream(file)) {
                    p.load(in);
                }
            }
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the broker state in " + dir, e);
        }
    }

    private static void store(Properties p, Path file, String comment) {
        try (OutputStream out = Files.newOutputStream(file)) {
            p.store(out, comment);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + file, e);
        }
    }

    /** The port of the previous run when it is free again, else a free one. */
    private static int reusablePort(String previous) {
        if (previous != null && previous.matches("\\d{1,5}")) {
            int p = Integer.parseInt(previous);
            if (isFree(p)) {
                return p;
            }
        }
        return freePort();
    }

    static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName(HOST))) {
            return true;
        } catch (IOException busy) {
            return false;
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not find a free port on " + HOST, e);
        }
    }
}

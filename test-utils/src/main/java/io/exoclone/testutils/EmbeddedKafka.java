package io.exoclone.testutils;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node Kafka cluster in this JVM: one KRaft process acting as broker and controller,
 * listening on 127.0.0.1 only, with its logs in a temp dir.
 *
 * <p>Configured for transactions with one broker (every internal topic has replication factor 1 and
 * min.insync.replicas 1) and with no initial rebalance delay, so tests and the embedded demo need
 * no tuning.
 *
 * <p>As a JUnit 5 extension:
 *
 * <pre>{@code
 * @RegisterExtension static final EmbeddedKafka KAFKA = new EmbeddedKafka();
 * }</pre>
 *
 * <p>From main code: {@code try (EmbeddedKafka kafka = EmbeddedKafka.builder().build()) {
 * kafka.start(); ... }}.
 *
 * <p>{@link #stop()} and {@link #restart()} take the broker down and bring it back on the same
 * ports with the same data, to test clients through a broker outage.
 */
public final class EmbeddedKafka extends ServiceExtension {

    private static final String BROKER_LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final int NODE_ID = 1;
    private static final int START_ATTEMPTS = 3;

    private final Map<String, String> overrides;
    private final Path configuredDir;

    private Path dataDir;
    private boolean ownsDataDir;
    private KafkaConfig config;
    private int brokerPort;
    private KafkaRaftServer server;

    /** A broker with default settings in a fresh temp dir. */
    public EmbeddedKafka() {
        this(builder());
    }

    private EmbeddedKafka(Builder builder) {
        this.overrides = Map.copyOf(builder.brokerProperties);
        this.configuredDir = builder.dataDir;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Formats the log dirs (the first time) and starts the broker; returns once it accepts clients.
     * Does nothing if it is running. After {@link #stop()}, starts it again on the same ports with
     * the same data.
     */
    @Override
    public synchronized void start() {
        if (server != null) {
            return;
        }
        if (config == null) {
            firstStart();
        } else {
            server = startServer(config);
        }
    }

    private void firstStart() {
        if (configuredDir != null) {
            dataDir = configuredDir;
            ownsDataDir = false;
            try {
                Files.createDirectories(dataDir);
            } catch (IOException e) {
                throw new UncheckedIOException("Could not create " + dataDir, e);
            }
        } else {
            dataDir = Loopback.createTempDir("exoclone-kafka-");
            ownsDataDir = true;
        }
        String clusterId = Uuid.randomUuid().toString();
        RuntimeException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            // The quorum names the controller's address in its config, so the ports are picked
            // before the broker binds them; another process may take one meanwhile: try again.
            int port = Loopback.freePort();
            Properties properties = brokerProperties(port, Loopback.freePort());
            try {
                format(properties, clusterId);
                KafkaConfig candidate = KafkaConfig.fromProps(properties);
                server = startServer(candidate);
                config = candidate;
                brokerPort = port;
                return;
            } catch (RuntimeException e) {
                last = e;
            }
        }
        deleteOwnedDataDir();
        throw new IllegalStateException(
                "Could not start an embedded Kafka broker in " + START_ATTEMPTS + " attempts",
                last);
    }

    private Properties brokerProperties(int port, int controllerPort) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", Integer.toString(NODE_ID));
        props.put("controller.quorum.voters", NODE_ID + "@" + Loopback.HOST + ":" + controllerPort);
        props.put(
                "listeners",
                BROKER_LISTENER
                        + "://"
                        + Loopback.HOST
                        + ":"
                        + port
                        + ","
                        + CONTROLLER_LISTENER
                        + "://"
                        + Loopback.HOST
                        + ":"
                        + controllerPort);
        props.put("advertised.listeners", BROKER_LISTENER + "://" + Loopback.HOST + ":" + port);
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("inter.broker.listener.name", BROKER_LISTENER);
        props.put(
                "listener.security.protocol.map",
                BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        props.put("log.dirs", dataDir.resolve("logs").toString());

        // One broker: every internal topic has one replica and needs one in sync.
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("default.replication.factor", "1");
        props.put("min.insync.replicas", "1");
        props.put("num.partitions", "1");
        props.put("group.initial.rebalance.delay.ms", "0");

        // Small and quick: a shared 2-core machine, and a broker that is up in seconds.
        props.put("num.network.threads", "2");
        props.put("num.io.threads", "2");
        props.put("background.threads", "2");
        props.put("num.recovery.threads.per.data.dir", "1");
        props.put("log.cleaner.threads", "1");
        props.put("log.cleaner.dedupe.buffer.size", Integer.toString(4 * 1024 * 1024));
        props.put("broker.heartbeat.interval.ms", "200");
        props.put("controlled.shutdown.enable", "true");

        props.putAll(overrides);
        Properties properties = new Properties();
        properties.putAll(props);
        return properties;
    }

    private void format(Properties properties, String clusterId) {
        Path file = dataDir.resolve("server.properties");
        try (OutputStream out = Files.newOutputStream(file)) {
            properties.store(out, "Embedded Kafka broker");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + file, e);
        }
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
                            + dataDir
                            + " failed with exit code "
                            + exit
                            + ": "
                            + output.toString(StandardCharsets.UTF_8));
        }
    }

    private static KafkaRaftServer startServer(KafkaConfig config) {
        KafkaRaftServer candidate = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            candidate.startup();
            return candidate;
        } catch (RuntimeException e) {
            candidate.shutdown();
            candidate.awaitShutdown();
            throw e;
        }
    }

    /** {@code 127.0.0.1:PORT} of the running broker, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        if (config == null) {
            throw new IllegalStateException("Embedded Kafka was never started");
        }
        return Loopback.HOST + ":" + brokerPort;
    }

    /** The directory holding the broker's config file and log dirs. */
    public Path dataDir() {
        return dataDir;
    }

    /** Client properties that reach this broker: {@code bootstrap.servers} only. */
    public Properties clientProperties() {
        Properties properties = new Properties();
        properties.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return properties;
    }

    /**
     * Creates a topic with one replica and returns once the broker's metadata lists it with a
     * leader for every partition, so producers and consumers see it at once. Creating a topic that
     * exists with the same partition count does nothing.
     */
    public void createTopic(String name, int partitions) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("Topic name must not be blank: '" + name + "'");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException(
                    "Topic " + name + " needs at least 1 partition, got " + partitions);
        }
        try (Admin admin = Admin.create(clientProperties())) {
            try {
                admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
                        .all()
                        .get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            awaitLeaders(admin, name, partitions);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topic " + name, e);
        } catch (Exception e) {
            throw new IllegalStateException(
                    "Could not create topic " + name + " on " + bootstrapServers(), e);
        }
    }

    /**
     * Waits until the broker's metadata has the topic with every partition led. Right after {@code
     * createTopics} returns, the broker may still answer {@code UnknownTopicOrPartition} (the
     * controller's record has not reached its metadata cache yet): that is retried, not an error.
     */
    private static void awaitLeaders(Admin admin, String name, int partitions) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String state = "not described yet";
        while (true) {
            try {
                TopicDescription description =
                        admin.describeTopics(List.of(name))
                                .allTopicNames()
                                .get(30, TimeUnit.SECONDS)
                                .get(name);
                List<TopicPartitionInfo> infos = description.partitions();
                if (!infos.isEmpty() && infos.size() != partitions) {
                    throw new IllegalStateException(
                            "Topic "
                                    + name
                                    + " exists with "
                                    + infos.size()
                                    + " partitions, expected "
                                    + partitions);
                }
                long led =
                        infos.stream()
                                .filter(p -> p.leader() != null && !p.leader().isEmpty())
                                .count();
                if (infos.size() == partitions && led == partitions) {
                    return;
                }
                state = led + " of " + partitions + " partitions with a leader";
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
                state = "unknown to the broker's metadata";
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "Topic " + name + " not ready after 30 s: " + state);
            }
            Thread.sleep(20);
        }
    }

    /** True while the broker runs. */
    public synchronized boolean isRunning() {
        return server != null;
    }

    /**
     * Shuts the broker down cleanly, keeping its ports and data for {@link #restart()}. Does
     * nothing if it is not running.
     */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        KafkaRaftServer stopping = server;
        server = null;
        stopping.shutdown();
        stopping.awaitShutdown();
    }

    /** Stops the broker if it runs, then starts it on the same ports with the same data. */
    public synchronized void restart() {
        if (config == null) {
            throw new IllegalStateException("Embedded Kafka was never started, cannot restart it");
        }
        stop();
        start();
    }

    /** Stops the broker and deletes its data dir unless the caller supplied it. */
    @Override
    public synchronized void close() {
        stop();
        config = null;
        brokerPort = 0;
        deleteOwnedDataDir();
    }

    private void deleteOwnedDataDir() {
        if (ownsDataDir) {
            try {
                Loopback.deleteRecursively(dataDir);
            } catch (IOException e) {
                throw new UncheckedIOException("Could not delete " + dataDir, e);
            }
        }
    }

    /** Options for an {@link EmbeddedKafka}. */
    public static final class Builder {
        private final Map<String, String> brokerProperties = new LinkedHashMap<>();
        private Path dataDir;

        private Builder() {}

        /**
         * Overrides or adds one broker setting, e.g. {@code ("auto.create.topics.enable",
         * "false")}. Listeners and the quorum are the helper's: do not override them.
         */
        public Builder brokerProperty(String key, String value) {
            if (key == null || key.isBlank() || value == null) {
                throw new IllegalArgumentException(
                        "Broker property needs a key and a value, got " + key + "=" + value);
            }
            brokerProperties.put(key, value);
            return this;
        }

        /**
         * Keeps the broker's data in this directory instead of a temp dir; {@link #close()} then
         * leaves it in place.
         */
        public Builder dataDir(Path dir) {
            this.dataDir = dir;
            return this;
        }

        public EmbeddedKafka build() {
            for (String key :
                    List.of(
                            "listeners",
                            "advertised.listeners",
                            "controller.quorum.voters",
                            "process.roles",
                            "node.id",
                            "log.dirs")) {
                if (brokerProperties.containsKey(key)) {
                    throw new IllegalArgumentException(
                            "Broker property "
                                    + key
                                    + "="
                                    + brokerProperties.get(key)
                                    + " is set by EmbeddedKafka and cannot be overridden");
                }
            }
            return new EmbeddedKafka(this);
        }
    }
}

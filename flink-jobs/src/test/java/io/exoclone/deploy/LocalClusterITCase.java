package io.exoclone.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives the scripts of {@code deploy/local/} the way a person would: start the broker, JobManager
 * and TaskManager as separate processes, check them, use the broker, crash and restart the
 * TaskManager, restart the broker, stop everything, and nothing is left behind.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class LocalClusterITCase {
    private static final String TOPIC = "local-cluster-check";

    @TempDir Path work;

    private LocalScripts scripts;

    @BeforeEach
    void findScripts() {
        scripts = new LocalScripts(work);
    }

    @AfterEach
    void stopWhatever() {
        // Whatever happened above, leave no process behind.
        scripts.run("stop.sh");
    }

    @Test
    void startCheckCrashRestartStop() throws Exception {
        assertThat(scripts.run("start.sh").exit()).as("start.sh").isZero();
        assertThat(scripts.run("check.sh").exit()).as("check.sh after start").isZero();

        Map<String, String> ports = scripts.ports();
        String bootstrap = ports.get("KAFKA_BOOTSTRAP");
        assertThat(bootstrap).startsWith("127.0.0.1:");
        String value = "written before the restarts " + UUID.randomUUID();
        produce(bootstrap, value);
        assertThat(consumeAll(bootstrap)).containsExactly(value);

        // A crashed TaskManager (SIGKILL) turns the check red; a new one turns it green again.
        assertThat(scripts.run("taskmanager.sh", "kill").exit()).isZero();
        assertThat(Files.exists(work.resolve("run/taskmanager.pid"))).isFalse();
        assertThat(scripts.run("check.sh").exit()).as("check.sh without a TaskManager").isNotZero();
        assertThat(scripts.run("taskmanager.sh", "start").exit()).isZero();
        assertThat(scripts.run("check.sh").exit())
                .as("check.sh after the TaskManager restart")
                .isZero();

        // The broker comes back on the same port with the committed record.
        assertThat(scripts.run("kafka.sh", "restart").exit()).isZero();
        assertThat(scripts.ports()).isEqualTo(ports);
        assertThat(consumeAll(bootstrap)).containsExactly(value);
        assertThat(scripts.run("check.sh").exit()).as("check.sh after the broker restart").isZero();

        assertThat(scripts.run("stop.sh").exit()).isZero();
        try (Stream<Path> pids = Files.list(work.resolve("run"))) {
            assertThat(pids).as("PID files after stop.sh").isEmpty();
        }
        for (String port :
                List.of(
                        "KAFKA_PORT",
                        "KAFKA_CONTROLLER_PORT",
                        "FLINK_REST_PORT",
                        "FLINK_RPC_PORT")) {
            assertThat(listening(Integer.parseInt(ports.get(port))))
                    .as("%s %s after stop.sh", port, ports.get(port))
                    .isFalse();
        }
        assertThat(scripts.run("check.sh").exit()).as("check.sh after stop").isNotZero();
    }

    private static void produce(String bootstrap, String value) throws Exception {
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "local-cluster-check");
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(TOPIC, "key", value));
            producer.commitTransaction();
        }
    }

    /** Reads the topic from the beginning, committed records only, until it has one record. */
    private static List<String> consumeAll(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "check-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(TOPIC));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (values.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    values.add(r.value());
                }
            }
            // Anything else would show up right behind the first record.
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofSeconds(1))) {
                values.add(r.value());
            }
        }
        return values;
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}

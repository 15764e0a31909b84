package io.exoclone.testutils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every helper in one JVM and one test class, as the connector and job tests will use them: proves
 * the class path holds Kafka, Flink, HDFS and S3A together, and that nothing listens beyond
 * loopback.
 */
class AllServicesTogetherITCase {

    @RegisterExtension static final EmbeddedKafka KAFKA = new EmbeddedKafka();
    @RegisterExtension static final LocalFlinkCluster FLINK = new LocalFlinkCluster();
    @RegisterExtension static final MiniHdfs HDFS = new MiniHdfs();
    @RegisterExtension static final LocalS3 S3 = new LocalS3();

    @Test
    void flinkTasksWriteToHdfsAndS3AndTheResultGoesThroughKafka() throws Exception {
        String run = UUID.randomUUID().toString();
        StreamExecutionEnvironment env = FLINK.environment();
        List<String> written =
                env.fromData(1, 2, 3, 4)
                        .map(
                                new WriteToBoth(
                                        run,
                                        HDFS.hadoopProperties(),
                                        S3.uri().toString(),
                                        S3.hadoopProperties()))
                        .executeAndCollect(10);
        assertThat(written).hasSize(4);

        for (int i = 1; i <= 4; i++) {
            String name = "/" + run + "/" + i;
            assertThat(read(HDFS.fileSystem(), new org.apache.hadoop.fs.Path(name)))
                    .isEqualTo("value-" + i);
            assertThat(
                            read(
                                    S3.fileSystem(),
                                    new org.apache.hadoop.fs.Path(S3.uri() + run + "/" + i)))
                    .isEqualTo("value-" + i);
        }

        String topic = "written-" + run;
        KAFKA.createTopic(topic, 1);
        Properties producerProps = KAFKA.clientProperties();
        producerProps.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "together-" + run);
        producerProps.put(
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producerProps.put(
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps)) {
            producer.initTransactions();
            producer.beginTransaction();
            for (String uri : written) {
                producer.send(new ProducerRecord<>(topic, run, uri));
            }
            producer.commitTransaction();
        }
        assertThat(consume(topic, written.size())).containsExactlyInAnyOrderElementsOf(written);
    }

    @Test
    void everyServiceListensOnLoopbackOnly() throws IOException {
        Path procNet = Path.of("/proc/net/tcp");
        assumeTrue(Files.isReadable(procNet), "Needs Linux /proc to list listening sockets");
        Set<String> ownSockets = new HashSet<>();
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        ownSockets.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException e) {
                    // The descriptor closed while we looked.
                }
            }
        }
        List<String> listening = new ArrayList<>();
        for (Path table : List.of(procNet, Path.of("/proc/net/tcp6"))) {
            if (!Files.isReadable(table)) {
                continue;
            }
            List<String> lines = Files.readAllLines(table);
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                boolean listen = "0A".equals(f[3]);
                if (listen && ownSockets.contains(f[9])) {
                    listening.add(f[1]);
                }
            }
        }
        // Kafka (broker, controller), Flink (REST, RPC, blob), HDFS (name node, data node).
        assertThat(listening).hasSizeGreaterThanOrEqualTo(8);
        assertThat(listening)
                .allSatisfy(address -> assertThat(isLoopback(address)).as(address).isTrue());
    }

    /** {@code /proc/net/tcp*} local address: hex IP (little-endian words) and hex port. */
    private static boolean isLoopback(String address) {
        String ip = address.substring(0, address.indexOf(':'));
        return ip.equals("0100007F") // 127.0.0.1
                || ip.equals("0000000000000000FFFF00000100007F") // ::ffff:127.0.0.1
                || ip.equals("00000000000000000000000001000000"); // ::1
    }

    private static String read(FileSystem fs, org.apache.hadoop.fs.Path path) throws IOException {
        try (FSDataInputStream in = fs.open(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static List<String> consume(String topic, int expected) {
        Properties props = KAFKA.clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "together-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record :
                        consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }

    /** Writes each value to HDFS and to S3 from inside a Flink task, and emits both paths. */
    private static final class WriteToBoth extends RichMapFunction<Integer, String> {
        private final String run;
        private final HashMap<String, String> hdfsProps;
        private final String s3Root;
        private final HashMap<String, String> s3Props;
        private transient FileSystem hdfs;
        private transient FileSystem s3;

        WriteToBoth(
                String run,
                Map<String, String> hdfsProps,
                String s3Root,
                Map<String, String> s3Props) {
            this.run = run;
            this.hdfsProps = new HashMap<>(hdfsProps);
            this.s3Root = s3Root;
            this.s3Props = new HashMap<>(s3Props);
        }

        @Override
        public void open(OpenContext context) throws IOException {
            hdfs = FileSystem.newInstance(configuration(hdfsProps));
            s3 = FileSystem.newInstance(URI.create(s3Root), configuration(s3Props));
        }

        @Override
        public String map(Integer value) throws IOException {
            org.apache.hadoop.fs.Path onHdfs =
                    new org.apache.hadoop.fs.Path("/" + run + "/" + value);
            org.apache.hadoop.fs.Path onS3 =
                    new org.apache.hadoop.fs.Path(s3Root + run + "/" + value);
            write(hdfs, onHdfs, "value-" + value);
            write(s3, onS3, "value-" + value);
            return hdfs.makeQualified(onHdfs) + " " + onS3;
        }

        @Override
        public void close() throws IOException {
            if (hdfs != null) {
                hdfs.close();
            }
            if (s3 != null) {
                s3.close();
            }
        }

        private static Configuration configuration(Map<String, String> props) {
            Configuration conf = new Configuration();
            props.forEach(conf::set);
            return conf;
        }

        private static void write(FileSystem fs, org.apache.hadoop.fs.Path path, String text)
                throws IOException {
            try (FSDataOutputStream out = fs.create(path, false)) {
                out.write(text.getBytes(StandardCharsets.UTF_8));
            }
        }
    }
}

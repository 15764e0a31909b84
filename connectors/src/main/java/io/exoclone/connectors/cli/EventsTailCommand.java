package io.exoclone.connectors.cli;

import io.exoclone.cli.DurationConverter;
import io.exoclone.cli.ExitCodes;
import io.exoclone.connectors.events.EventJson;
import io.exoclone.engine.NotFoundException;
import io.exoclone.schemas.EventCodec;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code exoclone events tail --bootstrap HOST:PORT --topic T [--from-beginning]}. */
@Command(
        name = "tail",
        header = "Print the events of an exoclone topic as JSON lines.",
        description = {
            "Decodes every record of the topic (any exoclone event: NodeChange, SnapshotSealed,"
                    + " ExoclonePublished, ReplicaStatus, DeadLetter) and prints one JSON object per"
                    + " line: topic, partition, offset, timestamp, key, type and the event's"
                    + " fields. Block data is summarized as its length and the first 8 bytes of its"
                    + " SHA-256; hashes are printed in hex.",
            "A record that does not decode is printed with \"error\" and \"reason\""
                    + " instead of \"event\", and tail goes on. Reads committed records only"
                    + " (read_committed) unless --uncommitted; joins no consumer group. Runs"
                    + " until Ctrl-C, --max-records or --idle.",
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  exoclone events tail --bootstrap 127.0.0.1:9092 --topic exoclone.node-changes"
                    + " --from-beginning",
            "  exoclone events tail -b 127.0.0.1:9092 -t exoclone.published --idle 5s | jq .type",
        })
final class EventsTailCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
            names = {"-b", "--bootstrap"},
            required = true,
            paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers.")
    String bootstrap;

    @Option(
            names = {"-t", "--topic"},
            required = true,
            paramLabel = "T",
            description = "Topic to read.")
    String topic;

    @Option(
            names = "--from-beginning",
            description = "Start at the oldest record (default: only new records).")
    boolean fromBeginning;

    @Option(
            names = {"-n", "--max-records"},
            paramLabel = "N",
            description = "Stop after N records.")
    Long maxRecords;

    @Option(
            names = "--idle",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "Stop when no record arrived for this long (e.g. 5s).")
    Duration idle;

    @Option(
            names = "--uncommitted",
            description = "Also show records of open and aborted transactions (read_uncommitted).")
    boolean uncommitted;

    @Override
    public Integer call() {
        if (maxRecords != null && maxRecords < 1) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(), "--max-records must be at least 1, got " + maxRecords);
        }
        PrintWriter out = spec.commandLine().getOut();
        EventJson json = new EventJson(new EventCodec());
        CountDownLatch done = new CountDownLatch(1);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        properties(), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            Thread hook =
                    new Thread(
                            () -> {
                                consumer.wakeup();
                                try {
                                    done.await(10, TimeUnit.SECONDS);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            },
                            "exoclone-tail-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
                if (infos == null || infos.isEmpty()) {
                    throw new NotFoundException(
                            "Topic " + topic + " does not exist on " + bootstrap);
                }
                List<TopicPartition> partitions =
                        infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
                consumer.assign(partitions);
                if (fromBeginning) {
                    consumer.seekToBeginning(partitions);
                } else {
                    consumer.seekToEnd(partitions);
                }
                long printed = 0;
                long lastRecord = System.nanoTime();
                while (maxRecords == null || printed < maxRecords) {
                    var records = consumer.poll(Duration.ofMillis(200));
                    if (records.isEmpty()) {
                        if (idle != null && System.nanoTime() - lastRecord > idle.toNanos()) {
                            break;
                        }
                        continue;
                    }
                    lastRecord = System.nanoTime();
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        out.println(
                                json.line(
                                        r.topic(),
                                        r.partition(),
                                        r.offset(),
                                        r.timestamp(),
                                        r.key(),
                                        r.value()));
                        if (maxRecords != null && ++printed >= maxRecords) {
                            break;
                        }
                    }
                }
            } catch (WakeupException e) {
                // Ctrl-C
            } finally {
                out.flush();
                done.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // shutting down
                }
            }
        }
        return ExitCodes.OK;
    }

    private Properties properties() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "exoclone-events-tail");
        p.put(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                uncommitted ? "read_uncommitted" : "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false"); // a typo creates nothing
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(4 << 20));
        return p;
    }
}

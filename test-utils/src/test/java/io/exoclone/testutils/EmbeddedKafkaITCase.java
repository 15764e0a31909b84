package io.exoclone.testutils;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
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

class EmbeddedKafkaITCase {

    @RegisterExtension static final EmbeddedKafka KAFKA = new EmbeddedKafka();

    @Test
    void listensOnLoopbackOnly() {
        assertThat(KAFKA.bootstrapServers()).startsWith("127.0.0.1:");
    }

    @Test
    void aCreatedTopicIsKnownWithLeadersAtOnce() throws Exception {
        // Many creations in a row: each must be described (and produced to) right away, without
        // UnknownTopicOrPartition and without a retry by the caller.
        try (Admin admin = Admin.create(KAFKA.clientProperties());
                KafkaProducer<String, String> producer = plainProducer()) {
            for (int i = 0; i < 10; i++) {
                String topic = "fresh-" + i + "-" + UUID.randomUUID();
                KAFKA.createTopic(topic, 3);
                assertThat(
                                admin.describeTopics(List.of(topic))
                                        .allTopicNames()
                                        .get(10, TimeUnit.SECONDS)
                                        .get(topic)
                                        .partitions())
                        .hasSize(3)
                        .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
                assertThat(producer.partitionsFor(topic)).hasSize(3);
                producer.send(new ProducerRecord<>(topic, "k", "v")).get(10, TimeUnit.SECONDS);
            }
            // Creating it again with the same partitions is a no-op.
            String again = "again-" + UUID.randomUUID();
            KAFKA.createTopic(again, 2);
            KAFKA.createTopic(again, 2);
        }
    }

    @Test
    void readCommittedConsumerSeesCommittedButNotAbortedRecords() {
        String topic = "tx-" + UUID.randomUUID();
        KAFKA.createTopic(topic, 2);

        try (KafkaProducer<String, String> producer = transactionalProducer()) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k1", "committed-1"));
            producer.send(new ProducerRecord<>(topic, "k2", "committed-2"));
            producer.commitTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k1", "aborted-1"));
            producer.send(new ProducerRecord<>(topic, "k2", "aborted-2"));
            producer.flush();
            producer.abortTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k3", "committed-3"));
            producer.commitTransaction();
        }

        assertThat(readAll(topic, "read_committed", 3))
                .containsExactlyInAnyOrder("committed-1", "committed-2", "committed-3");
        // The aborted records really reached the log: only the isolation level hides them.
        assertThat(readAll(topic, "read_uncommitted", 5))
                .containsExactlyInAnyOrder(
                        "committed-1", "committed-2", "aborted-1", "aborted-2", "committed-3");
    }

    @Test
    void restartKeepsPortAndCommittedData() {
        String topic = "restart-" + UUID.randomUUID();
        KAFKA.createTopic(topic, 1);
        String before = KAFKA.bootstrapServers();
        try (KafkaProducer<String, String> producer = transactionalProducer()) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "before-restart"));
            producer.commitTransaction();
        }

        KAFKA.stop();
        assertThat(KAFKA.isRunning()).isFalse();
        KAFKA.restart();

        assertThat(KAFKA.bootstrapServers()).isEqualTo(before);
        try (KafkaProducer<String, String> producer = transactionalProducer()) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "after-restart"));
            producer.commitTransaction();
        }
        assertThat(readAll(topic, "read_committed", 2))
                .containsExactly("before-restart", "after-restart");
    }

    private static KafkaProducer<String, String> plainProducer() {
        Properties props = KAFKA.clientProperties();
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        return new KafkaProducer<>(props);
    }

    private static KafkaProducer<String, String> transactionalProducer() {
        Properties props = KAFKA.clientProperties();
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-" + UUID.randomUUID());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(props);
    }

    /** Reads from the beginning until {@code expected} values arrived, plus a short quiet spell. */
    private static List<String> readAll(String topic, String isolation, int expected) {
        Properties props = KAFKA.clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "g-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            int quietPolls = 0;
            while (System.nanoTime() < deadline && (values.size() < expected || quietPolls < 2)) {
                var records = consumer.poll(Duration.ofMillis(200));
                for (ConsumerRecord<String, String> record : records) {
                    values.add(record.value());
                }
                quietPolls = values.size() >= expected && records.isEmpty() ? quietPolls + 1 : 0;
            }
        }
        return values;
    }
}

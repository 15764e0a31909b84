package io.exoclone.jobs.assemble;

import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes encoded dead letters (from {@link DeadLetters#TAG}) to the dead-letter topic. */
public final class DeadLetterRecordSerializer implements KafkaRecordSerializationSchema<byte[]> {
    private static final long serialVersionUID = 1L;

    private final String topic;

    public DeadLetterRecordSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            byte[] deadLetter, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(topic, deadLetter);
    }
}

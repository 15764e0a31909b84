package io.exoclone.jobs.assemble;

import io.exoclone.connectors.feed.ChangeFeed;
import java.nio.ByteBuffer;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** Keeps Kafka records as bytes with their coordinates; decoding is a separate operator. */
public final class RawRecordDeserializer implements KafkaRecordDeserializationSchema<RawRecord> {
    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> r, Collector<RawRecord> out) {
        RawRecord raw =
                new RawRecord(
                        r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(), r.value());
        Header created = r.headers().lastHeader(ChangeFeed.SNAPSHOT_CREATED_HEADER);
        if (created != null && created.value() != null && created.value().length == Long.BYTES) {
            raw.snapshotCreatedMillis = ByteBuffer.wrap(created.value()).getLong();
        }
        out.collect(raw);
    }

    @Override
    public TypeInformation<RawRecord> getProducedType() {
        return TypeInformation.of(RawRecord.class);
    }
}

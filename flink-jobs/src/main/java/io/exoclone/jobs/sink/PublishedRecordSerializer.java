package io.exoclone.jobs.sink;

import io.exoclone.schemas.EventCodec;
import io.exoclone.schemas.ExoclonePublished;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** A committed {@link PendingFile} as an {@link ExoclonePublished} record keyed by volume id. */
public final class PublishedRecordSerializer
        implements KafkaRecordSerializationSchema<PendingFile> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private transient EventCodec codec;

    public PublishedRecordSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            PendingFile f, KafkaSinkContext context, Long timestamp) {
        if (codec == null) {
            codec = new EventCodec();
        }
        return new ProducerRecord<>(
                topic, f.volumeId.getBytes(StandardCharsets.UTF_8), codec.encode(toEvent(f)));
    }

    public static ExoclonePublished toEvent(PendingFile f) {
        return ExoclonePublished.newBuilder()
                .setExocloneId(f.exocloneId)
                .setParentId(f.parentId)
                .setDedupIds(List.of(f.dedupIds))
                .setVolumeId(f.volumeId)
                .setVolumeName(f.volumeName)
                .setUri(f.finalUri)
                .setFileBytes(f.fileBytes)
                .setPayloadBytes(f.payloadBytes)
                .setDedupBytes(f.dedupBytes)
                .setChangedBytes(f.changedBytes)
                .setRootHash(ByteBuffer.wrap(f.rootHash))
                .setCreatedMillis(System.currentTimeMillis())
                .setSnapshotCreatedMillis(f.snapshotCreatedMillis)
                .build();
    }
}

package io.exoclone.jobs.replicate;

import io.exoclone.schemas.EventCodec;
import io.exoclone.schemas.ReplicaStatus;

/**
 * A {@link ReplicaStatus} on its way to {@code exoclone.replica-status}: the Kafka key (volume id)
 * and the event in Avro single-object encoding, so Flink moves it as plain bytes.
 */
public record StatusRecord(String volumeId, byte[] event) {
    private static final EventCodec CODEC = new EventCodec();

    static StatusRecord of(ReplicaStatus status) {
        return new StatusRecord(status.getVolumeId(), CODEC.encode(status));
    }

    /** Decodes the event (for tests and tools). */
    public ReplicaStatus status() {
        return CODEC.decode(event, ReplicaStatus.class);
    }
}

package io.exoclone.jobs.assemble;

import io.exoclone.schemas.DeadLetter;
import io.exoclone.schemas.EventCodec;
import java.nio.ByteBuffer;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.util.OutputTag;

/** The side output every operator sends rejected input to: encoded {@link DeadLetter} records. */
public final class DeadLetters {
    /** Side output of encoded {@link DeadLetter}s, bound for {@code exoclone.dead-letter}. */
    public static final OutputTag<byte[]> TAG =
            new OutputTag<>("dead-letters", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);

    private DeadLetters() {}

    public static byte[] encode(EventCodec codec, RawRecord r, String reason) {
        return codec.encode(
                DeadLetter.newBuilder()
                        .setTopic(r.topic == null ? "" : r.topic)
                        .setPartition(r.partition)
                        .setOffset(r.offset)
                        .setKey(r.key == null ? null : ByteBuffer.wrap(r.key))
                        .setValue(r.value == null ? null : ByteBuffer.wrap(r.value))
                        .setReason(reason)
                        .setTimestampMillis(r.timestampMillis)
                        .build());
    }

    /** A dead letter for a decoded event that could not be used (its bytes are not kept). */
    public static byte[] encode(EventCodec codec, FeedEvent e, String reason) {
        return encode(
                codec,
                new RawRecord(
                        e.topic,
                        e.partition,
                        e.offset,
                        System.currentTimeMillis(),
                        e.volumeId == null ? null : e.volumeId.getBytes(),
                        null),
                reason);
    }
}

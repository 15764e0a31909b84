package io.exoclone.jobs.replicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.exoclone.jobs.assemble.DeadLetters;
import io.exoclone.jobs.assemble.RawRecord;
import io.exoclone.schemas.DeadLetter;
import io.exoclone.schemas.EventCodec;
import io.exoclone.schemas.ExoclonePublished;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class PublishedDecoderTest {
    private static final EventCodec CODEC = new EventCodec();

    @Test
    void decodesEventsAndDeadLettersWhatIsNotOne() throws Exception {
        ExoclonePublished good = event(UUID.randomUUID().toString());
        byte[] junk = "junk".getBytes(StandardCharsets.UTF_8);
        try (OneInputStreamOperatorTestHarness<RawRecord, Published> h =
                ProcessFunctionTestHarnesses.forProcessFunction(new PublishedDecoder())) {
            h.processElement(record(3, junk), 0);
            h.processElement(record(4, CODEC.encode(event("not-a-uuid"))), 0);
            h.processElement(record(5, null), 0);
            h.processElement(record(6, CODEC.encode(good)), 0);

            List<Published> out = h.extractOutputValues();
            assertThat(out).containsExactly(Published.of(good));
            assertThat(out.get(0).parentId()).isNull();
            assertThat(out.get(0).rootHash()).containsExactly(1, 2, 3);

            List<DeadLetter> dead =
                    h.getSideOutput(DeadLetters.TAG).stream()
                            .map(r -> CODEC.decode(r.getValue(), DeadLetter.class))
                            .toList();
            assertThat(dead).extracting(DeadLetter::getOffset).containsExactly(3L, 4L, 5L);
            assertThat(dead)
                    .allSatisfy(
                            d -> {
                                assertThat(d.getTopic()).isEqualTo("exoclone.published");
                                assertThat(d.getPartition()).isEqualTo(0);
                                assertThat(d.getReason())
                                        .startsWith("Not an ExoclonePublished event: ");
                            });
            assertThat(dead.get(0).getValue()).isEqualTo(ByteBuffer.wrap(junk));
            assertThat(dead.get(0).getKey()).isEqualTo(ByteBuffer.wrap("vol".getBytes()));
            assertThat(dead.get(1).getReason()).contains("not-a-uuid");
            assertThat(dead.get(2).getReason()).contains("tombstone");
            assertThat(dead.get(2).getValue()).isNull();
        }
    }

    private static RawRecord record(long offset, byte[] value) {
        return new RawRecord(
                "exoclone.published", 0, offset, 1000 + offset, "vol".getBytes(), value);
    }

    @Test
    void theBuilderNamesWhatIsMissing() {
        assertThatThrownBy(() -> ReplicateJob.builder().poolDir("/p").build())
                .hasMessageContaining("Kafka bootstrap servers");
        assertThatThrownBy(
                        () ->
                                ReplicateJob.builder()
                                        .bootstrap("127.0.0.1:9092")
                                        .poolDir("/p")
                                        .retryMillis(0)
                                        .build())
                .hasMessageContaining("Retry interval must be positive: 0");
        assertThat(
                        ReplicateJob.builder()
                                .bootstrap("127.0.0.1:9092")
                                .poolDir("/p")
                                .site("b")
                                .build()
                                .settings()
                                .groupId())
                .isEqualTo("exoclone-replicate-b");
        assertThatThrownBy(
                        () ->
                                ReplicateJob.builder()
                                        .bootstrap("127.0.0.1:9092")
                                        .poolDir("/p")
                                        .deadLetterTopic(" ")
                                        .build())
                .hasMessageContaining("Dead-letter topic");
    }

    private static ExoclonePublished event(String id) {
        return ExoclonePublished.newBuilder()
                .setExocloneId(id)
                .setParentId(null)
                .setDedupIds(List.of())
                .setVolumeId(UUID.randomUUID().toString())
                .setVolumeName("v")
                .setUri("file:///tmp/x.exo")
                .setFileBytes(1)
                .setPayloadBytes(1)
                .setDedupBytes(0)
                .setChangedBytes(1)
                .setRootHash(ByteBuffer.wrap(new byte[] {1, 2, 3}))
                .setCreatedMillis(1)
                .setSnapshotCreatedMillis(1)
                .build();
    }
}

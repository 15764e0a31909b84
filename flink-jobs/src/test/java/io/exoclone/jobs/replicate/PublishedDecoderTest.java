package io.exoclone.jobs.replicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    void decodesEventsAndSkipsWhatIsNotOne() throws Exception {
        ExoclonePublished good = event(UUID.randomUUID().toString());
        try (OneInputStreamOperatorTestHarness<byte[], Published> h =
                ProcessFunctionTestHarnesses.forProcessFunction(new PublishedDecoder())) {
            h.processElement("junk".getBytes(StandardCharsets.UTF_8), 0);
            h.processElement(CODEC.encode(event("not-a-uuid")), 0);
            h.processElement(CODEC.encode(good), 0);

            List<Published> out = h.extractOutputValues();
            assertThat(out).containsExactly(Published.of(good));
            assertThat(out.get(0).parentId()).isNull();
            assertThat(out.get(0).rootHash()).containsExactly(1, 2, 3);
        }
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

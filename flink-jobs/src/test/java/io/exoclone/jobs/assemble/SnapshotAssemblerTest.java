package io.exoclone.jobs.assemble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.exoclone.format.Compression;
import io.exoclone.format.ExocloneRange;
import io.exoclone.format.ExocloneReader;
import io.exoclone.jobs.sink.PendingFile;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotAssemblerTest {
    private static final UUID S = UUID.fromString("00000000-0000-4000-8000-000000000005");
    private static final UUID OTHER = UUID.fromString("00000000-0000-4000-8000-000000000004");

    @TempDir Path dir;

    private KeyedTwoInputStreamOperatorTestHarness<
                    String, Chunk, Either<Verdict, SealInfo>, PendingFile>
            harness() throws Exception {
        return ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
                new SnapshotAssembler(dir.toUri(), Map.of(), Compression.NONE, Chunks.BS),
                c -> c.snapshotId,
                e -> e.isLeft() ? e.left().snapshotId : e.right().snapshotId,
                Types.STRING);
    }

    private static SealInfo seal(long chunks) {
        SealInfo s = Chunks.seal(S, 3).seal;
        s.chunkCount = chunks;
        return s;
    }

    static Either<Verdict, SealInfo> in(SealInfo s) {
        return Either.Right(s);
    }

    static Either<Verdict, SealInfo> in(Verdict v) {
        return Either.Left(v);
    }

    @Test
    void payloadsJoinTheirVerdictsInBlockOrderAndADuplicatesBytesAreDropped() throws Exception {
        byte[] x = Chunks.block(1, 2);
        try (var h = harness()) {
            h.processElement2(in(seal(4)), 0);
            h.processElement1(Chunks.trim(S, 0, 0, 4), 0);
            h.processElement1(Chunks.data(S, 1, 10, Chunks.block(2, 1)), 0);
            h.processElement1(Chunks.data(S, 2, 20, x), 0);
            h.processElement1(Chunks.data(S, 3, 50, Chunks.block(9, 1)), 0);
            h.processElement1(Chunks.trim(S, 0, 0, 4), 0); // repeat
            // Verdicts come out of order (several dedup subtasks), one of them twice.
            h.processElement2(in(Chunks.keep(S, 2)), 0);
            h.processElement2(in(Chunks.dedup(S, 3, OTHER, 7L * Chunks.BS)), 0);
            h.processElement2(in(Chunks.keep(S, 2)), 0);
            assertThat(h.extractOutputValues()).as("chunk 1 still waits").isEmpty();
            h.processElement2(in(Chunks.keep(S, 1)), 0);

            List<PendingFile> out = h.extractOutputValues();
            assertThat(out).hasSize(1);
            PendingFile f = out.get(0);
            assertThat(f.exocloneId).isEqualTo(S.toString());
            assertThat(f.dedupIds).containsExactly(OTHER.toString());
            assertThat(f.dedupBytes).isEqualTo(Chunks.BS);
            assertThat(f.changedBytes).isEqualTo(4L * Chunks.BS);
            assertThat(f.payloadBytes)
                    .as("only the kept chunks' bytes are in the payload")
                    .isEqualTo(3L * Chunks.BS);
            assertThat(f.finalUri).endsWith("/" + S + ".exo");
            Path written = Path.of(URI.create(f.inProgressUri));
            assertThat(written.getFileName().toString()).startsWith(".").endsWith(".inprogress");
            assertThat(Files.size(written)).isEqualTo(f.fileBytes);
            try (ExocloneReader r = ExocloneReader.open(written)) {
                r.verify(Optional.empty());
                List<ExocloneRange> ranges = new ArrayList<>();
                r.ranges().forEachRemaining(ranges::add);
                assertThat(ranges)
                        .extracting(ExocloneRange::startBlock)
                        .containsExactly(0L, 10L, 20L, 50L);
                assertThat(ranges.get(3)).isInstanceOf(ExocloneRange.Dedup.class);
                assertThat(r.dedupUuids()).containsExactly(OTHER);
            }
            assertThat(h.numKeyedStateEntries()).as("a finished snapshot leaves no state").isZero();
        }
    }

    @Test
    void aVerdictMayArriveBeforeItsPayload() throws Exception {
        try (var h = harness()) {
            h.processElement2(in(Chunks.keep(S, 0)), 0);
            h.processElement2(in(Chunks.keep(S, 1)), 0);
            h.processElement1(Chunks.data(S, 0, 0, Chunks.block(1, 1)), 0);
            h.processElement2(in(seal(2)), 0);
            assertThat(h.extractOutputValues()).isEmpty();
            h.processElement1(Chunks.data(S, 1, 1, Chunks.block(2, 1)), 0);
            assertThat(h.extractOutputValues())
                    .singleElement()
                    .satisfies(f -> assertThat(f.payloadBytes).isEqualTo(2L * Chunks.BS));
        }
    }

    @Test
    void aPayloadStillWaitingForItsVerdictAtACheckpointFailsTheCheckpoint() throws Exception {
        try (var h = harness()) {
            h.processElement1(Chunks.data(S, 0, 0, Chunks.block(1, 1)), 0);
            h.processElement2(in(Chunks.keep(S, 0)), 0);
            h.snapshot(1, 1); // nothing waits: fine
            h.processElement1(Chunks.data(S, 1, 1, Chunks.block(2, 1)), 0);
            assertThatThrownBy(() -> h.snapshot(2, 2))
                    .rootCause()
                    .hasMessageContaining("waiting for their dedup verdicts")
                    .hasMessageContaining(S.toString());
        }
    }

    @Test
    void anAbandonedSnapshotIsDroppedWithItsFileAndItsLatePayloadsAndVerdicts() throws Exception {
        try (var h = harness()) {
            h.processElement1(Chunks.data(S, 0, 0, Chunks.block(1, 1)), 0);
            h.processElement2(in(Chunks.keep(S, 0)), 0);
            h.processElement1(Chunks.data(S, 1, 5, Chunks.block(2, 1)), 0);
            assertThat(files()).containsExactly("." + S + ".exo.inprogress");
            SealInfo abandon = new SealInfo();
            abandon.snapshotId = S.toString();
            abandon.volumeId = Chunks.VOLUME;
            abandon.chunkCount = SealInfo.ABANDONED;
            h.processElement2(in(abandon), 0);
            // Still on their way when the splitter gave up on the snapshot:
            h.processElement2(in(Chunks.keep(S, 1)), 0);
            h.processElement1(Chunks.data(S, 2, 7, Chunks.block(3, 1)), 0);
            h.processElement2(in(Chunks.keep(S, 2)), 0);
            h.processElement2(in(seal(3)), 0);
            assertThat(h.extractOutputValues()).isEmpty();
            assertThat(files()).isEmpty();
            h.snapshot(1, 1); // nothing waits in the heap buffer
            h.setProcessingTime(SnapshotAssembler.MARKER_RETENTION_MS + 1);
            assertThat(h.numKeyedStateEntries()).as("the marker goes after a while").isZero();
        }
    }

    private List<String> files() throws java.io.IOException {
        try (var s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).toList();
        }
    }

    @Test
    void aSnapshotWithoutChunksGetsAFileFromItsSealAlone() throws Exception {
        try (var h = harness()) {
            h.processElement2(in(seal(0)), 0);
            List<PendingFile> out = h.extractOutputValues();
            assertThat(out).hasSize(1);
            try (ExocloneReader r =
                    ExocloneReader.open(Path.of(URI.create(out.get(0).inProgressUri)))) {
                r.verify(Optional.empty());
                assertThat(r.ranges().hasNext()).isFalse();
            }
            assertThat(files()).containsExactly("." + S + ".exo.inprogress");
        }
    }

    @Test
    void aFileTheWriterRefusesGoesToTheDeadLetterOutput() throws Exception {
        try (var h = harness()) {
            SealInfo s = seal(1);
            s.volumeSize = 4096; // smaller than the range at block 10: refused at the end
            h.processElement2(in(s), 0);
            h.processElement1(Chunks.data(S, 0, 10, Chunks.block(1, 1)), 0);
            h.processElement2(in(Chunks.keep(S, 0)), 0);
            assertThat(h.extractOutputValues()).isEmpty();
            assertThat(h.getSideOutput(DeadLetters.TAG)).hasSize(1);
            assertThat(files()).as("its in-progress file is deleted").isEmpty();
            // Chunks still on their way (a repeat here) are dropped; no file is started again.
            h.processElement1(Chunks.data(S, 1, 11, Chunks.block(2, 1)), 0);
            h.processElement2(in(Chunks.keep(S, 1)), 0);
            assertThat(files()).isEmpty();
            assertThat(h.getSideOutput(DeadLetters.TAG)).hasSize(1);
            h.setProcessingTime(SnapshotAssembler.MARKER_RETENTION_MS + 1);
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }
}

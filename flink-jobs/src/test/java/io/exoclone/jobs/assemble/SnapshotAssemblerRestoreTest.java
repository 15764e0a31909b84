package io.exoclone.jobs.assemble;

import static org.assertj.core.api.Assertions.assertThat;

import io.exoclone.connectors.fs.ExocloneFileStore;
import io.exoclone.format.Compression;
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
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A checkpoint in the middle of a snapshot, then a failure and a restore: the resumed file is byte
 * for byte the file of an uninterrupted run, in both resume modes (parts forced on {@code file://},
 * as S3 uses it) and both compressions.
 */
class SnapshotAssemblerRestoreTest {
    private static final UUID S = UUID.fromString("00000000-0000-4000-8000-000000000015");
    private static final UUID OTHER = UUID.fromString("00000000-0000-4000-8000-000000000004");
    private static final long ORDER = 1_767_225_600_123L;

    @TempDir Path tmp;

    static Stream<Arguments> modes() {
        List<Arguments> out = new ArrayList<>();
        for (ExocloneFileStore.ResumeMode m : ExocloneFileStore.ResumeMode.values()) {
            for (Compression c : Compression.values()) {
                out.add(Arguments.of(m, c));
            }
        }
        return out.stream();
    }

    private static KeyedTwoInputStreamOperatorTestHarness<
                    String, Chunk, Either<Verdict, SealInfo>, PendingFile>
            harness(
                    Path target,
                    ExocloneFileStore.ResumeMode mode,
                    Compression c,
                    OperatorSubtaskState restore)
                    throws Exception {
        var h =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new KeyedCoProcessOperator<>(
                                new SnapshotAssembler(
                                        target.toUri(),
                                        Map.of(
                                                ExocloneFileStore.RESUME_MODE_PROPERTY,
                                                mode.name().toLowerCase()),
                                        c,
                                        Chunks.BS)),
                        (KeySelector<Chunk, String>) x -> x.snapshotId,
                        (KeySelector<Either<Verdict, SealInfo>, String>)
                                x -> x.isLeft() ? x.left().snapshotId : x.right().snapshotId,
                        Types.STRING);
        h.setup();
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    /** Twelve chunks: DATA of 1 to 3 blocks (one of them a duplicate), a ZERO, a TRIM. */
    private static List<Chunk> chunks() {
        List<Chunk> out = new ArrayList<>();
        long block = 0;
        for (int i = 0; i < 12; i++) {
            int blocks = 1 + i % 3;
            Chunk c;
            if (i == 1) {
                c = Chunks.trim(S, i, block, blocks);
                c.kind = Chunk.ZERO;
            } else if (i == 6) {
                c = Chunks.trim(S, i, block, blocks);
            } else {
                byte[] d = Chunks.block(i + 1, blocks);
                d[i * 7] = (byte) (i * 13 + 1); // not all one byte, for LZ4
                c = Chunks.data(S, i, block, d);
            }
            c.snapshotOrder = ORDER;
            out.add(c);
            block += blocks + 1;
        }
        return out;
    }

    private static SealInfo seal() {
        SealInfo s = Chunks.seal(S, 12).seal;
        s.chunkCount = 12;
        s.snapshotOrder = ORDER;
        return s;
    }

    /** The dedup verdict of chunk {@code i}: chunk 4 is a duplicate of another file's bytes. */
    private static Either<Verdict, SealInfo> verdict(int i) {
        return Either.Left(i == 4 ? Chunks.dedup(S, i, OTHER, 3L * Chunks.BS) : Chunks.keep(S, i));
    }

    private static void payloads(
            KeyedTwoInputStreamOperatorTestHarness<
                            String, Chunk, Either<Verdict, SealInfo>, PendingFile>
                    h,
            List<Chunk> all,
            int... ordinals)
            throws Exception {
        for (int o : ordinals) {
            h.processElement1(copy(all.get(o)), 0);
        }
    }

    /** Verdicts of the DATA chunks among {@code ordinals}, in the order given. */
    private static void verdicts(
            KeyedTwoInputStreamOperatorTestHarness<
                            String, Chunk, Either<Verdict, SealInfo>, PendingFile>
                    h,
            List<Chunk> all,
            int... ordinals)
            throws Exception {
        for (int o : ordinals) {
            if (all.get(o).kind == Chunk.DATA) {
                h.processElement2(verdict(o), 0);
            }
        }
    }

    /**
     * A fresh payload, as the network delivers it (the assembler turns a duplicate's into DEDUP).
     */
    private static Chunk copy(Chunk c) {
        Chunk n = new Chunk();
        n.snapshotId = c.snapshotId;
        n.ordinal = c.ordinal;
        n.snapshotOrder = c.snapshotOrder;
        n.volumeId = c.volumeId;
        n.parentId = c.parentId;
        n.startBlock = c.startBlock;
        n.blocks = c.blocks;
        n.kind = c.kind;
        n.contentHash = c.contentHash;
        n.data = c.data;
        return n;
    }

    private static byte[] bytesOf(PendingFile f) throws Exception {
        return Files.readAllBytes(Path.of(URI.create(f.inProgressUri)));
    }

    @ParameterizedTest
    @MethodSource("modes")
    void aFileResumedAfterARestoreIsByteIdenticalToAnUninterruptedOne(
            ExocloneFileStore.ResumeMode mode, Compression compression) throws Exception {
        List<Chunk> all = chunks();
        Path refDir = Files.createDirectories(tmp.resolve("ref"));
        PendingFile ref;
        try (var h = harness(refDir, mode, compression, null)) {
            payloads(h, all, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
            verdicts(h, all, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
            h.processElement2(Either.Right(seal()), 0);
            ref = h.extractOutputValues().get(0);
        }
        byte[] expected = bytesOf(ref);
        try (ExocloneReader r = ExocloneReader.open(Path.of(URI.create(ref.inProgressUri)))) {
            r.verify(Optional.empty());
        }

        Path dir = Files.createDirectories(tmp.resolve("run"));
        OperatorSubtaskState checkpoint;
        var first = harness(dir, mode, compression, null);
        // Verdicts out of order; at the checkpoint every payload before it has its verdict (as
        // aligned barriers guarantee).
        payloads(first, all, 0, 1, 2, 3, 4, 5);
        verdicts(first, all, 2, 0, 5, 3, 4);
        checkpoint = first.snapshot(1, 1);
        // After the checkpoint: written to the file, then lost with the failure.
        payloads(first, all, 6, 7);
        verdicts(first, all, 7);
        first.close();

        try (var second = harness(dir, mode, compression, checkpoint)) {
            payloads(second, all, 6, 7); // the replay
            verdicts(second, all, 7);
            second.snapshot(2, 2); // a second checkpoint within the snapshot
            payloads(second, all, 8, 9);
            second.processElement2(Either.Right(seal()), 0);
            verdicts(second, all, 9, 8);
            payloads(second, all, 10, 11);
            verdicts(second, all, 11, 10);
            List<PendingFile> out = second.extractOutputValues();
            assertThat(out).hasSize(1);
            assertThat(out.get(0).fileBytes).isEqualTo(ref.fileBytes);
            assertThat(bytesOf(out.get(0))).isEqualTo(expected);
            assertThat(out.get(0).dedupIds).containsExactly(OTHER.toString());

            // Committed, then restored once more from the checkpoint taken before the end (an
            // older savepoint): the in-progress file is resumed from the committed one.
            try (ExocloneFileStore store = ExocloneFileStore.open(dir.toUri(), Map.of())) {
                store.commit(
                        URI.create(out.get(0).inProgressUri),
                        URI.create(out.get(0).finalUri),
                        out.get(0).fileBytes);
            }
        }
        try (var third = harness(dir, mode, compression, checkpoint)) {
            payloads(third, all, 6, 7, 8, 9, 10, 11);
            verdicts(third, all, 8, 7, 6, 11, 10, 9);
            third.processElement2(Either.Right(seal()), 0);
            PendingFile again = third.extractOutputValues().get(0);
            assertThat(bytesOf(again)).isEqualTo(expected);
            try (ExocloneFileStore store =
                    ExocloneFileStore.open(
                            dir.toUri(),
                            Map.of(
                                    ExocloneFileStore.RESUME_MODE_PROPERTY,
                                    mode.name().toLowerCase()))) {
                assertThat(
                                store.commit(
                                        URI.create(again.inProgressUri),
                                        URI.create(again.finalUri),
                                        again.fileBytes))
                        .isEqualTo(ExocloneFileStore.CommitOutcome.ALREADY_COMMITTED);
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
                    .as("only the committed file is left")
                    .containsExactly(S + ".exo");
        }
    }
}

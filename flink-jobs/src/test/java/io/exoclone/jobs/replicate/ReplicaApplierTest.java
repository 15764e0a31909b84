package io.exoclone.jobs.replicate;

import static org.assertj.core.api.Assertions.assertThat;

import io.exoclone.engine.Pool;
import io.exoclone.schemas.ExoclonePublished;
import io.exoclone.schemas.ReplicaState;
import io.exoclone.schemas.ReplicaStatus;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplicaApplierTest {
    @TempDir static Path sourceDir;
    static SourceSite source;

    @TempDir Path replicaDir;
    KeyedOneInputStreamOperatorTestHarness<String, Published, StatusRecord> harness;

    @BeforeAll
    static void exportSource() {
        source = new SourceSite(sourceDir);
    }

    @BeforeEach
    void openReplica() throws Exception {
        Path pool = replicaDir.resolve("site-b");
        Pool.create(pool).close();
        harness =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                        new ReplicaApplier("b", pool.toString(), null, Map.of(), 1000),
                        Published::volumeId,
                        Types.STRING);
        harness.setProcessingTime(source.alpha.get(0).getSnapshotCreatedMillis() + 500);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    @Test
    void importsInLineageOrderWithEqualRoots() throws Exception {
        for (ExoclonePublished e : source.alpha) {
            harness.processElement(Published.of(e), 0);
        }

        List<ReplicaStatus> statuses = statuses();
        assertThat(statuses)
                .extracting(ReplicaStatus::getStatus)
                .containsOnly(ReplicaState.APPLIED);
        assertThat(statuses)
                .extracting(ReplicaStatus::getAppliedId)
                .containsExactlyElementsOf(ids(source.alpha));
        for (int i = 0; i < statuses.size(); i++) {
            assertThat(statuses.get(i).getRootHash()).isEqualTo(source.alpha.get(i).getRootHash());
            assertThat(statuses.get(i).getSite()).isEqualTo("b");
            assertThat(statuses.get(i).getLagMillis()).isGreaterThanOrEqualTo(0);
        }
        assertThat(statuses.get(0).getImportedBytes()).isGreaterThan(0);
    }

    @Test
    void childBeforeItsParentWaitsThenApplies() throws Exception {
        List<ExoclonePublished> a = source.alpha;
        harness.processElement(Published.of(a.get(2)), 0);
        harness.processElement(Published.of(a.get(1)), 0);
        assertThat(statuses())
                .extracting(ReplicaStatus::getStatus)
                .containsExactly(ReplicaState.WAITING_FOR_PARENT, ReplicaState.WAITING_FOR_PARENT);

        harness.getOutput().clear();
        harness.processElement(Published.of(a.get(0)), 0);

        assertThat(statuses())
                .extracting(ReplicaStatus::getAppliedId)
                .containsExactlyElementsOf(ids(a.subList(0, 3)));
        assertThat(statuses())
                .extracting(ReplicaStatus::getStatus)
                .containsOnly(ReplicaState.APPLIED);
    }

    @Test
    void aSourceOfAnotherKeyIsPickedUpByTheRetryTimer() throws Exception {
        ExoclonePublished child = source.alpha.get(1);
        ExoclonePublished parent = source.alpha.get(0);
        // The parent arrives under another key, so only the timer re-checks the child.
        ExoclonePublished elsewhere =
                ExoclonePublished.newBuilder(parent)
                        .setVolumeId(UUID.randomUUID().toString())
                        .build();
        harness.processElement(Published.of(child), 0);
        harness.processElement(Published.of(elsewhere), 0);
        harness.getOutput().clear();

        harness.setProcessingTime(harness.getProcessingTime() + 1000);

        assertThat(statuses())
                .extracting(ReplicaStatus::getAppliedId)
                .containsExactly(child.getExocloneId());
        assertThat(statuses())
                .extracting(ReplicaStatus::getStatus)
                .containsExactly(ReplicaState.APPLIED);
    }

    @Test
    void aDuplicateIsANoOp() throws Exception {
        Published first = Published.of(source.alpha.get(0));
        harness.processElement(first, 0);
        harness.processElement(first, 0);

        List<ReplicaStatus> statuses = statuses();
        assertThat(statuses)
                .extracting(ReplicaStatus::getStatus)
                .containsOnly(ReplicaState.APPLIED);
        assertThat(statuses.get(1).getMessage()).isEqualTo("Already present");
        assertThat(statuses.get(1).getImportedBytes()).isZero();
        harness.close();
        try (Pool pool = Pool.open(replicaDir.resolve("site-b"))) {
            assertThat(pool.snapshots()).hasSize(1);
        }
    }

    @Test
    void aCorruptFileIsReportedAndTheNextOneStillApplies() throws Exception {
        ExoclonePublished e = source.beta.get(0);
        Path damaged = replicaDir.resolve("damaged.exo");
        Files.copy(Path.of(java.net.URI.create(e.getUri())), damaged);
        try (FileChannel ch = FileChannel.open(damaged, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}), 5000);
        }
        harness.processElement(
                Published.of(
                        ExoclonePublished.newBuilder(e).setUri(damaged.toUri().toString()).build()),
                0);
        harness.processElement(Published.of(source.alpha.get(0)), 0);

        List<ReplicaStatus> statuses = statuses();
        assertThat(statuses)
                .extracting(ReplicaStatus::getStatus)
                .containsExactly(ReplicaState.FAILED, ReplicaState.APPLIED);
        assertThat(statuses.get(0).getMessage()).isNotBlank();
    }

    @Test
    void aPublishedRootThatDiffersIsARootMismatch() throws Exception {
        ExoclonePublished e =
                ExoclonePublished.newBuilder(source.alpha.get(0))
                        .setRootHash(ByteBuffer.wrap(new byte[32]))
                        .build();
        harness.processElement(Published.of(e), 0);

        assertThat(statuses())
                .extracting(ReplicaStatus::getStatus)
                .containsExactly(ReplicaState.ROOT_MISMATCH);
    }

    private List<ReplicaStatus> statuses() {
        return harness.extractOutputValues().stream().map(StatusRecord::status).toList();
    }

    private static List<String> ids(List<ExoclonePublished> events) {
        return events.stream().map(ExoclonePublished::getExocloneId).toList();
    }
}

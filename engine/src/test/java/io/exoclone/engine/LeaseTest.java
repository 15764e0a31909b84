package io.exoclone.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A leased volume or snapshot cannot be deleted or replaced; unflushed writes survive refusals. */
class LeaseTest {
    @TempDir Path tmp;

    @Test
    void aLeasedVolumeIsNotDeletedRebasedOrMergedInto() {
        try (Pool pool = Pool.create(tmp.resolve("p"))) {
            Volume v = pool.createVolume("vm1", 1 << 20);
            v.write(0, new byte[] {1, 2, 3});
            UUID base = pool.snapshot("vm1", "base").id();
            v.write(4096, new byte[] {4}); // not committed yet
            Pool.Lease lease = pool.leaseVolume("vm1", "NBD connection 127.0.0.1:5000");
            assertThatThrownBy(() -> pool.deleteVolume("vm1"))
                    .isInstanceOf(InUseException.class)
                    .hasMessageContaining("Volume 'vm1'")
                    .hasMessageContaining("NBD connection 127.0.0.1:5000");
            assertThatThrownBy(() -> pool.rebase("vm1", base)).isInstanceOf(InUseException.class);
            assertThatThrownBy(() -> pool.merge("vm1", base, MergeStrategy.FAIL, null))
                    .isInstanceOf(InUseException.class);
            // The refusal discarded nothing: the uncommitted write is still there.
            assertThat(v.read(4096, 1)).containsExactly(4);
            assertThat(pool.resets()).isZero();
            lease.close();
            lease.close(); // twice is harmless
            pool.deleteVolume("vm1");
            assertThat(pool.findVolume("vm1")).isEmpty();
        }
    }

    @Test
    void aLeasedSnapshotIsNotDeleted() {
        try (Pool pool = Pool.create(tmp.resolve("p"))) {
            pool.createVolume("vm1", 1 << 20).write(0, new byte[] {9});
            UUID s = pool.snapshot("vm1", null).id();
            Pool.Lease a = pool.leaseSnapshot(s, "reader a");
            Pool.Lease b = pool.leaseSnapshot(s, "reader b");
            assertThatThrownBy(() -> pool.deleteSnapshot(s))
                    .isInstanceOf(InUseException.class)
                    .hasMessageContaining("2 users");
            a.close();
            assertThatThrownBy(() -> pool.deleteSnapshot(s)).hasMessageContaining("reader b");
            b.close();
            pool.deleteSnapshot(s);
            assertThat(pool.findSnapshot(s)).isEmpty();
        }
    }

    @Test
    void leasingWhatDoesNotExistIsNotFound() {
        try (Pool pool = Pool.create(tmp.resolve("p"))) {
            assertThatThrownBy(() -> pool.leaseVolume("nope", "x"))
                    .isInstanceOf(NotFoundException.class);
            assertThatThrownBy(() -> pool.leaseSnapshot(UUID.randomUUID(), "x"))
                    .isInstanceOf(NotFoundException.class);
        }
    }

    @Test
    void aFailedOperationCountsAReset() {
        try (Pool pool = Pool.create(tmp.resolve("p"))) {
            assertThat(pool.resets()).isZero();
            assertThatThrownBy(
                            () ->
                                    pool.importSnapshot(
                                            new ImportRequest(
                                                    UUID.randomUUID(),
                                                    null,
                                                    null,
                                                    "v",
                                                    null,
                                                    4096,
                                                    java.time.Instant.now(),
                                                    null,
                                                    new byte[32],
                                                    null),
                                            java.util.List.<ChangeRange>of().iterator()))
                    .isInstanceOf(CorruptDataException.class);
            assertThat(pool.resets()).isEqualTo(1);
        }
    }
}

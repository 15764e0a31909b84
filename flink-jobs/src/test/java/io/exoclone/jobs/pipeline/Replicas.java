package io.exoclone.jobs.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.exoclone.engine.Pool;
import io.exoclone.engine.Snapshot;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/** Opens a source and a replica pool and compares them, independently of the code under test. */
final class Replicas {
    private Replicas() {}

    /**
     * Asserts that every snapshot of {@code source} is in {@code replica} with the same root hash,
     * size and bytes, and that the replica passes its consistency check.
     *
     * @return the source's snapshot ids
     */
    static List<UUID> assertEqual(Path source, Path replica) throws Exception {
        try (Pool a = Pool.open(source);
                Pool b = Pool.open(replica)) {
            List<Snapshot> snapshots = a.snapshots();
            for (Snapshot s : snapshots) {
                Snapshot r =
                        b.findSnapshot(s.id())
                                .orElseThrow(
                                        () ->
                                                new AssertionError(
                                                        "Snapshot "
                                                                + s.id()
                                                                + " not in "
                                                                + replica));
                assertThat(r.rootHashHex())
                        .as("root hash of %s", s.id())
                        .isEqualTo(s.rootHashHex());
                assertThat(r.size()).as("size of %s", s.id()).isEqualTo(s.size());
                for (long off = 0; off < s.size(); off += 1 << 20) {
                    int len = (int) Math.min(1 << 20, s.size() - off);
                    assertThat(b.read(s.id(), off, len))
                            .as("bytes of %s at %d", s.id(), off)
                            .isEqualTo(a.read(s.id(), off, len));
                }
            }
            assertThat(b.check().problems()).as("replica check").isEmpty();
            return snapshots.stream().map(Snapshot::id).toList();
        }
    }
}

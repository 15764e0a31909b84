package io.exoclone.engine;

import java.util.List;
import java.util.Optional;

/**
 * Outcome of a rebase or merge.
 *
 * @param ancestor the common ancestor the three-way merge compared against (empty: none)
 * @param applied ranges taken from the other side (or replayed, for a rebase)
 * @param conflicts ranges both sides changed differently (resolved by the strategy)
 * @param snapshot the merge commit, recording both parents (empty for a rebase)
 */
public record MergeResult(
        Optional<Snapshot> ancestor,
        List<SnapshotDiff.ChangedRange> applied,
        List<SnapshotDiff.ChangedRange> conflicts,
        Optional<Snapshot> snapshot) {
    public MergeResult {
        applied = List.copyOf(applied);
        conflicts = List.copyOf(conflicts);
    }
}

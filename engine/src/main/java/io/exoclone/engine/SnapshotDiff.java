package io.exoclone.engine;

import java.util.List;

/**
 * The block ranges whose content differs between two snapshots, found by walking both B-trees
 * together and descending only where child pointers differ.
 *
 * @param ranges changed ranges in ascending block order, adjacent ranges of one kind coalesced
 * @param nodesVisited B-tree nodes read by the walk (both trees)
 */
public record SnapshotDiff(
        Snapshot from, Snapshot to, List<ChangedRange> ranges, long nodesVisited) {
    public SnapshotDiff {
        ranges = List.copyOf(ranges);
    }

    /** Total bytes in changed ranges. */
    public long changedBytes() {
        long total = 0;
        for (ChangedRange r : ranges) {
            total += r.length();
        }
        return total;
    }

    /**
     * A changed range of whole blocks.
     *
     * @param startBlock first logical block
     * @param blocks number of blocks
     * @param zero true when the range reads as zeros in {@code to} (trimmed or never written)
     */
    public record ChangedRange(long startBlock, long blocks, boolean zero) {
        public long offset() {
            return startBlock * Pool.BLOCK_SIZE;
        }

        public long length() {
            return blocks * Pool.BLOCK_SIZE;
        }

        public long endBlock() {
            return startBlock + blocks;
        }
    }
}

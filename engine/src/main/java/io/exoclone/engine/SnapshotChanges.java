package io.exoclone.engine;

import java.util.List;
import java.util.Optional;

/**
 * The modified B-tree leaves of a snapshot against its parent, with their changed ranges: the input
 * of the change feed. Data ranges carry no bytes; read them with {@link Pool#read}.
 *
 * @param leaves in ascending block order; zero ranges with no leaf left in the new tree (a whole
 *     leaf trimmed away) are grouped under node id 0
 */
public record SnapshotChanges(
        Snapshot snapshot, Optional<Snapshot> parent, List<LeafChange> leaves, long nodesVisited) {
    public SnapshotChanges {
        leaves = List.copyOf(leaves);
    }

    /** One modified leaf: its page id, the generation that wrote it, its changed ranges. */
    public record LeafChange(long nodeId, long generation, List<ChangeRange> ranges) {
        public LeafChange {
            ranges = List.copyOf(ranges);
        }
    }

    public long dataBytes() {
        long n = 0;
        for (LeafChange l : leaves) {
            for (ChangeRange r : l.ranges()) {
                if (r instanceof ChangeRange.Data) {
                    n += r.blocks() * Pool.BLOCK_SIZE;
                }
            }
        }
        return n;
    }
}

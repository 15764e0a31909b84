package io.exoclone.engine;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * What an exo-clone of {@code snapshot} holds: its change against {@code parent} (or the whole
 * image for a first exo-clone), found by diffing the two trees (cost grows with the change, never
 * with the volume). Repeats within the change and content already present in the parent's lineage
 * are {@link ChangeRange.Dedup} ranges.
 *
 * @param nodesVisited B-tree nodes the diff read
 */
public record ExportPlan(
        Snapshot snapshot, Optional<Snapshot> parent, List<ChangeRange> ranges, long nodesVisited) {
    public ExportPlan {
        ranges = List.copyOf(ranges);
    }

    /** Bytes that go into the payload. */
    public long dataBytes() {
        return sum(ChangeRange.Data.class);
    }

    /** Bytes expressed as references to other exo-clones (or earlier in this one). */
    public long dedupBytes() {
        return sum(ChangeRange.Dedup.class);
    }

    public long zeroBytes() {
        return sum(ChangeRange.Zero.class);
    }

    /** All changed bytes: data, dedup and zero. */
    public long changedBytes() {
        return dataBytes() + dedupBytes() + zeroBytes();
    }

    /** The other exo-clones this one references, sorted. */
    public Set<UUID> dedupSources() {
        Set<UUID> out = new TreeSet<>();
        for (ChangeRange r : ranges) {
            if (r instanceof ChangeRange.Dedup d && !d.source().equals(snapshot.id())) {
                out.add(d.source());
            }
        }
        return out;
    }

    private long sum(Class<? extends ChangeRange> kind) {
        long total = 0;
        for (ChangeRange r : ranges) {
            if (kind.isInstance(r)) {
                total += r.blocks() * Pool.BLOCK_SIZE;
            }
        }
        return total;
    }
}

package io.exoclone.connectors.feed;

import io.exoclone.engine.ChangeRange;
import io.exoclone.engine.Extent;
import io.exoclone.engine.NotFoundException;
import io.exoclone.engine.Pool;
import io.exoclone.engine.Snapshot;
import io.exoclone.engine.SnapshotChanges;
import io.exoclone.engine.SnapshotDiff;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What the feed publishes for one snapshot: the modified leaves of diff(parent, snapshot), or the
 * snapshot's whole image when its parent was deleted before it was published (a consumer can
 * rebuild it without the parent; it is published with no parent). Also finds the snapshot's volume
 * id, which {@link Snapshot} does not carry.
 */
final class SnapshotSource {
    /** Node id of the ranges of a full-image fallback, which are not attributed to a leaf. */
    static final long NO_LEAF = 0;

    /** A snapshot ready to publish. */
    record Prepared(
            Snapshot snapshot,
            UUID volumeId,
            Optional<UUID> parentId,
            boolean fullImageFallback,
            List<SnapshotChanges.LeafChange> leaves) {}

    /** The snapshot itself was deleted before it could be published. */
    static final class SnapshotGoneException extends FeedException {
        SnapshotGoneException(UUID id, Throwable cause) {
            super("Snapshot " + id + " was deleted before it was published", cause);
        }
    }

    private final Pool pool;

    SnapshotSource(Pool pool) {
        this.pool = pool;
    }

    Prepared prepare(Snapshot s) {
        UUID volumeId = s.volumeId(); // recorded by the engine, even if the volume is gone
        try {
            if (s.parentId().isPresent() && pool.findSnapshot(s.parentId().get()).isEmpty()) {
                return fullImage(s, volumeId);
            }
            SnapshotChanges c = pool.changes(s.id());
            return new Prepared(s, volumeId, c.parent().map(Snapshot::id), false, c.leaves());
        } catch (NotFoundException e) {
            if (pool.findSnapshot(s.id()).isEmpty()) {
                throw new SnapshotGoneException(s.id(), e);
            }
            if (s.parentId().isPresent() && pool.findSnapshot(s.parentId().get()).isEmpty()) {
                return fullImage(s, volumeId); // the parent went away just now
            }
            throw e;
        }
    }

    /** Reads {@code blocks} blocks of a snapshot from {@code startBlock}. */
    byte[] read(Snapshot s, long startBlock, int blocks) {
        try {
            return pool.read(s.id(), startBlock * Pool.BLOCK_SIZE, blocks * Pool.BLOCK_SIZE);
        } catch (NotFoundException e) {
            throw new SnapshotGoneException(s.id(), e);
        }
    }

    private Prepared fullImage(Snapshot s, UUID volumeId) {
        SnapshotDiff d = pool.diffFromEmpty(s.id());
        List<ChangeRange> ranges = new ArrayList<>();
        for (SnapshotDiff.ChangedRange r : d.ranges()) {
            if (r.zero()) {
                ranges.add(new ChangeRange.Zero(r.startBlock(), r.blocks()));
                continue;
            }
            for (Extent x : pool.extents(s.id(), r.startBlock(), r.endBlock())) {
                long a = Math.max(x.lba(), r.startBlock());
                long b = Math.min(x.endLba(), r.endBlock());
                if (a >= b) {
                    continue;
                }
                // A clipped extent's hash covers more than the range: let the splitter hash it.
                byte[] hash = a == x.lba() && b == x.endLba() ? x.contentHash() : null;
                ranges.add(new ChangeRange.Data(a, b - a, hash, null));
            }
        }
        List<SnapshotChanges.LeafChange> leaves =
                ranges.isEmpty()
                        ? List.of()
                        : List.of(new SnapshotChanges.LeafChange(NO_LEAF, s.generation(), ranges));
        return new Prepared(s, volumeId, Optional.empty(), true, leaves);
    }
}

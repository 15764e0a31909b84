package io.exoclone.engine;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * An immutable point-in-time image of a volume. Its UUID names it forever (an exo-clone exported
 * from it carries the same UUID). Snapshots form a lineage through {@link #parentId()}; a merge
 * commit also records {@link #mergeParentId()}.
 */
public final class Snapshot {
    private final UUID id;
    private final UUID parentId;
    private final UUID mergeParentId;
    private final String volume;
    private final UUID volumeId;
    private final long generation;
    private final Instant created;
    private final String tag;
    private final long size;
    private final byte[] rootHash;

    public Snapshot(
            UUID id,
            UUID parentId,
            UUID mergeParentId,
            String volume,
            UUID volumeId,
            long generation,
            Instant created,
            String tag,
            long size,
            byte[] rootHash) {
        this.id = Objects.requireNonNull(id, "id");
        this.parentId = parentId;
        this.mergeParentId = mergeParentId;
        this.volume = Objects.requireNonNull(volume, "volume");
        this.volumeId = Objects.requireNonNull(volumeId, "volumeId");
        this.generation = generation;
        this.created = Objects.requireNonNull(created, "created");
        this.tag = tag;
        this.size = size;
        this.rootHash = rootHash.clone();
    }

    public UUID id() {
        return id;
    }

    /** The snapshot this one was taken on top of, or empty for a first snapshot. */
    public Optional<UUID> parentId() {
        return Optional.ofNullable(parentId);
    }

    /** The second parent of a merge commit, or empty. */
    public Optional<UUID> mergeParentId() {
        return Optional.ofNullable(mergeParentId);
    }

    /** Name of the volume this snapshot was taken of (at the time it was taken). */
    public String volume() {
        return volume;
    }

    /** UUID of the volume this snapshot was taken of. */
    public UUID volumeId() {
        return volumeId;
    }

    public long generation() {
        return generation;
    }

    public Instant created() {
        return created;
    }

    public Optional<String> tag() {
        return Optional.ofNullable(tag);
    }

    /** Logical size of the volume image in bytes. */
    public long size() {
        return size;
    }

    /** The Merkle root hash of the whole volume content (32 bytes). */
    public byte[] rootHash() {
        return rootHash.clone();
    }

    public String rootHashHex() {
        return Hex.encode(rootHash);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Snapshot && ((Snapshot) o).id.equals(id);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "Snapshot{" + id + " of " + volume + (tag == null ? "" : "@" + tag) + "}";
    }
}

package io.exoclone.engine;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A writable, thin-provisioned block device in a pool: a handle by name. Writes of any size and
 * alignment are allowed; unwritten ranges read as zeros. Writes become durable at the next group
 * commit ({@link Pool#sync()}).
 */
public final class Volume {
    private final Pool pool;
    private final String name;

    Volume(Pool pool, String name) {
        this.pool = pool;
        this.name = name;
    }

    public String name() {
        return name;
    }

    public UUID id() {
        return pool.volumeRec(name).id();
    }

    /** Logical size in bytes. */
    public long size() {
        return pool.volumeRec(name).size();
    }

    /** The snapshot the next snapshot of this volume will name as its parent. */
    public Optional<UUID> baseSnapshotId() {
        return Optional.ofNullable(pool.volumeRec(name).base());
    }

    public void write(long offset, byte[] data) {
        write(offset, data, 0, data.length);
    }

    /**
     * Writes {@code data[from, from + length)} at byte {@code offset} (any alignment). The bytes
     * are copied before this returns, so the caller may reuse the array.
     */
    public void write(long offset, byte[] data, int from, int length) {
        pool.write(name, offset, data, from, length);
    }

    public byte[] read(long offset, int length) {
        return pool.readVolume(name, offset, length);
    }

    /**
     * Reads like {@link #read}, checking every extent against its content hash: damaged storage
     * throws {@link CorruptDataException} instead of returning wrong bytes.
     */
    public byte[] readVerified(long offset, int length) {
        return pool.readVolumeVerified(name, offset, length);
    }

    /**
     * Writes everything {@code in} yields at {@code offset} as one change: when it ends inside the
     * volume, one commit makes all of it durable and visible; when it is longer than the room to
     * the end of the volume ({@link InvalidArgumentException}) or cannot be read, nothing changes.
     * Streams of any length work (memory stays bounded). Returns the bytes written.
     *
     * @param progress told the bytes written so far; may be null
     */
    public long writeAtomically(
            long offset, java.io.InputStream in, java.util.function.LongConsumer progress) {
        return pool.writeAtomically(name, offset, in, progress);
    }

    /** Discards a range: it reads as zeros afterwards and its space can be freed. */
    public void trim(long offset, long length) {
        pool.trim(name, offset, length);
    }

    /**
     * The extents of the volume's current content intersecting blocks {@code [startBlock,
     * endBlock)}, in order. Blocks no extent covers were never written (or were trimmed) and read
     * as zeros: a block server reports them as holes.
     */
    public List<Extent> extents(long startBlock, long endBlock) {
        return pool.volumeExtents(name, startBlock, endBlock);
    }

    /** The Merkle root hash of the volume's current content. */
    public byte[] rootHash() {
        return pool.volumeRootHash(name);
    }

    @Override
    public String toString() {
        return "Volume{" + name + "}";
    }
}

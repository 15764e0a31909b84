package io.exoclone.engine;

import java.util.Optional;
import java.util.UUID;

/**
 * A writable, thin-provisioned block device in a pool. Writes of any size and alignment are
 * allowed; unwritten ranges read as zeros. Writes become durable at the next group commit ({@link
 * Pool#sync()}).
 */
public final class Volume {
    private Volume() {}

    public String name() {
        throw new UnsupportedOperationException("TODO");
    }

    public UUID id() {
        throw new UnsupportedOperationException("TODO");
    }

    /** Logical size in bytes. */
    public long size() {
        throw new UnsupportedOperationException("TODO");
    }

    /** The snapshot the next snapshot of this volume will name as its parent. */
    public Optional<UUID> baseSnapshotId() {
        throw new UnsupportedOperationException("TODO");
    }

    public void write(long offset, byte[] data) {
        write(offset, data, 0, data.length);
    }

    public void write(long offset, byte[] data, int from, int length) {
        throw new UnsupportedOperationException("TODO");
    }

    public byte[] read(long offset, int length) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Discards a range: it reads as zeros afterwards and its space can be freed. */
    public void trim(long offset, long length) {
        throw new UnsupportedOperationException("TODO");
    }

    /** The Merkle root hash of the volume's current content. */
    public byte[] rootHash() {
        throw new UnsupportedOperationException("TODO");
    }
}

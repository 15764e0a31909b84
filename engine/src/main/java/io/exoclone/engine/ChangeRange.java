package io.exoclone.engine;

import java.util.UUID;

/**
 * One changed block range of an exo-clone, as the engine exports and imports it. Every data range
 * is exactly one extent of the snapshot (at most 16 blocks), so a replica that applies the ranges
 * rebuilds the same extents and reaches the same Merkle root.
 */
public sealed interface ChangeRange
        permits ChangeRange.Data, ChangeRange.Adopted, ChangeRange.Dedup, ChangeRange.Zero {
    long startBlock();

    long blocks();

    default long endBlock() {
        return startBlock() + blocks();
    }

    /**
     * New bytes. On export, read them with {@link Pool#read}; on import, {@code data} holds them
     * (decompressed) and they are written once into the pool.
     */
    record Data(long startBlock, long blocks, byte[] contentHash, byte[] data)
            implements ChangeRange {}

    /**
     * Import only: new bytes that lie, uncompressed and block-aligned, in the file being adopted,
     * at byte {@code fileOffset}. The pool references them in place (zero-copy).
     */
    record Adopted(long startBlock, long blocks, byte[] contentHash, long fileOffset)
            implements ChangeRange {}

    /**
     * The same bytes as blocks {@code [sourceBlock, sourceBlock + blocks)} of the image of
     * exo-clone {@code source} (which may be the exo-clone itself, for a repeat within one file).
     */
    record Dedup(long startBlock, long blocks, byte[] contentHash, UUID source, long sourceBlock)
            implements ChangeRange {}

    /** Blocks that read as zeros (trimmed or zero-filled). */
    record Zero(long startBlock, long blocks) implements ChangeRange {}
}

package io.exoclone.server.nbd;

import io.exoclone.engine.Extent;
import io.exoclone.engine.Pool;
import java.util.List;

/**
 * What one NBD connection reads and writes: a volume (writable) or a snapshot (read-only). Ranges
 * are checked by the caller against {@link #size()}.
 */
interface Export {
    /** The canonical name: the volume's name, {@code NAME@TAG} or the snapshot's UUID. */
    String name();

    /** A line for people (in {@code nbdinfo --list}). */
    String description();

    long size();

    boolean readOnly();

    byte[] read(long offset, int length);

    /**
     * Writes the first {@code length} bytes of {@code data}; fails on a read-only export. The
     * caller may reuse {@code data} once this returns.
     */
    void write(long offset, byte[] data, int length);

    /** Unmaps a range: it reads as zeros afterwards. Fails on a read-only export. */
    void zero(long offset, long length);

    /** The extents intersecting blocks {@code [startBlock, endBlock)}: the rest are holes. */
    List<Extent> extents(long startBlock, long endBlock);

    /** Marks the export in use, so the pool refuses to delete or replace it. */
    Pool.Lease lease(String holder);

    /**
     * How many times writes acknowledged on this export were found lost (see {@link
     * UnflushedWrites}); always 0 for a read-only export.
     */
    long losses();
}

package io.exoclone.engine;

import java.util.List;

/**
 * Space accounting of a pool.
 *
 * @param entries one per volume and snapshot
 * @param dataBytesLive bytes of segment data referenced by anything
 * @param dataBytesOnDisk bytes held by segment files (live + not yet reclaimed)
 * @param nodePagesLive B-tree node pages referenced by anything
 * @param nodePagesTotal pages in the node file (live + free)
 */
public record PoolStats(
        List<SpaceStats> entries,
        long dataBytesLive,
        long dataBytesOnDisk,
        long nodePagesLive,
        long nodePagesTotal,
        long generation) {
    public PoolStats {
        entries = List.copyOf(entries);
    }
}

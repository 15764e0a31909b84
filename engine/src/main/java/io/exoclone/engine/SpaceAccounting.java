package io.exoclone.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Space accounting: for each volume and snapshot, the bytes its tree maps, and of those the bytes
 * only it references (what deleting it would free) versus bytes shared with others.
 */
final class SpaceAccounting {
    private final Engine e;

    SpaceAccounting(Engine e) {
        this.e = e;
    }

    PoolStats run() {
        List<SpaceStats> entries = new ArrayList<>();
        for (PoolState.VolumeRec v : e.state.volumes.values()) {
            entries.add(tree(v.name(), "volume", v.root(), v.size()));
        }
        for (PoolState.SnapRec s : e.state.snapshots.values()) {
            String name = s.id() + " (" + s.volume() + (s.tag() == null ? "" : "@" + s.tag()) + ")";
            entries.add(tree(name, "snapshot", s.root(), s.size()));
        }
        long[] live = {0};
        e.state.allocs.forEach((key, a) -> live[0] += (long) PoolState.allocBlocks(a) * Engine.BS);
        long onDisk = 0;
        for (long len : e.state.segments.values()) {
            onDisk += len;
        }
        return new PoolStats(
                entries, live[0], onDisk, e.state.pageRefs.size(), e.state.nextPageId, e.state.seq);
    }

    private SpaceStats tree(String name, String kind, long root, long size) {
        long[] allocated = new long[1];
        Map<Long, Integer> exclusiveRefs = new HashMap<>();
        Map<Long, Long> exclusiveBlocks = new HashMap<>();
        if (root != 0) {
            walk(root, false, allocated, exclusiveRefs, exclusiveBlocks);
        }
        long exclusive = 0;
        for (var x : exclusiveRefs.entrySet()) {
            PoolState.AllocRec a = e.state.alloc(x.getKey());
            if (a != null && a.refs() == x.getValue()) {
                exclusive += exclusiveBlocks.get(x.getKey());
            }
        }
        long alloc = allocated[0] * Engine.BS;
        exclusive *= Engine.BS;
        return new SpaceStats(name, kind, size, alloc, alloc - exclusive, exclusive);
    }

    private void walk(
            long page,
            boolean sharedAbove,
            long[] allocated,
            Map<Long, Integer> exclusiveRefs,
            Map<Long, Long> exclusiveBlocks) {
        Node n = e.store.read(page);
        boolean shared = sharedAbove || e.state.pageRefs(page) > 1;
        if (n.isLeaf()) {
            for (LeafEntry x : n.entries) {
                allocated[0] += x.blocks();
                if (!shared) {
                    exclusiveRefs.merge(x.allocKey(), 1, Integer::sum);
                    exclusiveBlocks.merge(x.allocKey(), (long) x.blocks(), Long::sum);
                }
            }
            return;
        }
        for (long c : n.children) {
            walk(c, shared, allocated, exclusiveRefs, exclusiveBlocks);
        }
    }
}

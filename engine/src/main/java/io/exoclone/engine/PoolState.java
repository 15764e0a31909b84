package io.exoclone.engine;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Everything about a pool that is not a B-tree page: the catalog of volumes and snapshots, the
 * reference counts of node pages and data allocations, and the data segments. Persisted as one
 * {@link MetaLog} record per commit holding what changed; mutators note what they touch.
 */
final class PoolState {
    /**
     * A writable volume: its current root page and the snapshot its next snapshot descends from.
     */
    record VolumeRec(String name, UUID id, long size, long root, UUID base, long createdMillis) {
        VolumeRec withRoot(long newRoot) {
            return new VolumeRec(name, id, size, newRoot, base, createdMillis);
        }

        VolumeRec withBase(UUID newBase) {
            return new VolumeRec(name, id, size, root, newBase, createdMillis);
        }
    }

    /** A snapshot: an immutable root. */
    record SnapRec(
            UUID id,
            UUID parent,
            UUID mergeParent,
            String volume,
            UUID volumeId,
            long generation,
            long createdMillis,
            String tag,
            long size,
            long root,
            byte[] rootHash) {}

    /** The first 16 bytes of a content hash, as the key of the content index. */
    record HashKey(long hi, long lo) {
        static HashKey of(byte[] hash) {
            return new HashKey(hi(hash), lo(hash));
        }

        /** The first 8 bytes of a hash, big-endian. */
        static long hi(byte[] hash) {
            return Hashing.longAt(hash, 0);
        }

        /** Bytes 8 to 16 of a hash, big-endian. */
        static long lo(byte[] hash) {
            return Hashing.longAt(hash, 8);
        }
    }

    /** Where content with a given hash was first seen in a snapshot: an exact extent. */
    record IndexEntry(UUID snapshot, long lba, int blocks) {}

    /** A data allocation: {@code blocks} blocks, referenced by {@code refs} leaf entries. */
    record AllocRec(int blocks, int refs) {}

    long seq;
    long nextPageId;
    int currentSegment;
    final Map<String, VolumeRec> volumes = new TreeMap<>();
    final Map<UUID, SnapRec> snapshots = new LinkedHashMap<>();

    /** Node page to its reference count (absent: 0). */
    final LongLongMap pageRefs = new LongLongMap();

    /** Allocation key to {@link #allocValue}(blocks, refs): a record per entry would be garbage. */
    final LongLongMap allocs = new LongLongMap();

    /** Segment id to its length in bytes (committed plus appended by the open transaction). */
    final Map<Integer, Long> segments = new TreeMap<>();

    /** Segment id to live blocks (sum of its allocations), derived. */
    final Map<Integer, Long> segmentLive = new HashMap<>();

    /** Content hash to a snapshot extent holding it, for dedup on export. */
    final ContentIndex contentIndex = new ContentIndex();

    /** The open transaction's content index changes, in order. */
    IndexLog indexChanges = new IndexLog();

    /** Small durable key-value settings (for example the change feed's cursor). */
    final Map<String, String> properties = new TreeMap<>();

    final Set<String> dirtyProperties = new HashSet<>();
    final Set<String> dirtyVolumes = new HashSet<>();
    final Set<UUID> dirtySnapshots = new HashSet<>();

    /** Page reference counts set by the open transaction, in order: (page, refs). */
    PairLog pageChanges = new PairLog();

    /**
     * Allocations changed by the open transaction, in order: (key, {@link #allocValue}); a freed
     * allocation is logged as 0.
     */
    PairLog allocChanges = new PairLog();

    final Set<Integer> dirtySegments = new HashSet<>();

    boolean hasChanges() {
        return !(dirtyVolumes.isEmpty()
                && dirtySnapshots.isEmpty()
                && pageChanges.isEmpty()
                && allocChanges.isEmpty()
                && dirtySegments.isEmpty()
                && indexChanges.isEmpty()
                && dirtyProperties.isEmpty());
    }

    void clearChanges() {
        dirtyVolumes.clear();
        dirtySnapshots.clear();
        pageChanges = new PairLog();
        allocChanges = new PairLog();
        dirtySegments.clear();
        indexChanges = new IndexLog();
        dirtyProperties.clear();
    }

    void setProperty(String key, String value) {
        if (value == null) {
            properties.remove(key);
        } else {
            properties.put(key, value);
        }
        dirtyProperties.add(key);
    }

    void putIndex(HashKey key, IndexEntry entry) {
        contentIndex.put(key, entry);
        indexChanges.put(key.hi(), key.lo(), entry.snapshot(), entry.lba(), entry.blocks());
    }

    /** Drops every index entry that points into a snapshot (when it is deleted). */
    void unindexSnapshot(UUID id) {
        long[] removed = contentIndex.removeSnapshot(id);
        for (int i = 0; i < removed.length; i += 2) {
            indexChanges.remove(removed[i], removed[i + 1]);
        }
    }

    void putVolume(VolumeRec v) {
        volumes.put(v.name(), v);
        dirtyVolumes.add(v.name());
    }

    void removeVolume(String name) {
        volumes.remove(name);
        dirtyVolumes.add(name);
    }

    void putSnapshot(SnapRec s) {
        snapshots.put(s.id(), s);
        dirtySnapshots.add(s.id());
    }

    void removeSnapshot(UUID id) {
        snapshots.remove(id);
        dirtySnapshots.add(id);
    }

    int pageRefs(long page) {
        return (int) pageRefs.get(page);
    }

    void setPageRefs(long page, int refs) {
        if (refs < 0) {
            throw new IllegalStateException("Negative reference count for page " + page);
        }
        if (refs == 0) {
            pageRefs.remove(page);
        } else {
            pageRefs.put(page, refs);
        }
        pageChanges.add(page, refs);
    }

    /**
     * Registers a fresh allocation with no references yet; the leaf insert that follows adds one.
     */
    void createAlloc(long key, int blocks) {
        if (allocs.containsKey(key)) {
            throw new IllegalStateException("Allocation " + key + " exists already");
        }
        allocs.put(key, allocValue(blocks, 0));
        segmentLive.merge(LeafEntry.allocSegment(key), (long) blocks, Long::sum);
        allocChanges.add(key, allocValue(blocks, 0));
    }

    void incAlloc(long key) {
        long a = allocs.get(key);
        if (a == 0) {
            throw new IllegalStateException(
                    "Referencing unknown allocation "
                            + LeafEntry.allocSegment(key)
                            + ":"
                            + LeafEntry.allocStart(key));
        }
        allocs.put(key, a + 1);
        allocChanges.add(key, a + 1);
    }

    /** Decrements an allocation; returns true when it was freed. */
    boolean decAlloc(long key) {
        long a = allocs.get(key);
        if (a == 0) {
            throw new IllegalStateException(
                    "Dereferencing unknown allocation "
                            + LeafEntry.allocSegment(key)
                            + ":"
                            + LeafEntry.allocStart(key));
        }
        if (allocRefs(a) <= 1) {
            allocs.remove(key);
            segmentLive.merge(LeafEntry.allocSegment(key), (long) -allocBlocks(a), Long::sum);
            allocChanges.add(key, 0);
            return true;
        }
        allocs.put(key, a - 1);
        allocChanges.add(key, a - 1);
        return false;
    }

    /** Moves an allocation (and all its references) to a new place. */
    void moveAlloc(long oldKey, long newKey) {
        long a = allocs.remove(oldKey);
        segmentLive.merge(LeafEntry.allocSegment(oldKey), (long) -allocBlocks(a), Long::sum);
        allocs.put(newKey, a);
        segmentLive.merge(LeafEntry.allocSegment(newKey), (long) allocBlocks(a), Long::sum);
        allocChanges.add(oldKey, 0);
        allocChanges.add(newKey, a);
    }

    /** An allocation's blocks and references packed in a long (never 0: blocks >= 1). */
    static long allocValue(int blocks, int refs) {
        return ((long) blocks << 32) | (refs & 0xffffffffL);
    }

    static int allocBlocks(long value) {
        return (int) (value >>> 32);
    }

    static int allocRefs(long value) {
        return (int) value;
    }

    /** An allocation's blocks and references, or null when there is none at {@code key}. */
    AllocRec alloc(long key) {
        long a = allocs.get(key);
        return a == 0 ? null : new AllocRec(allocBlocks(a), allocRefs(a));
    }

    void setSegmentLength(int segment, long length) {
        segments.put(segment, length);
        dirtySegments.add(segment);
    }

    void removeSegment(int segment) {
        segments.remove(segment);
        segmentLive.remove(segment);
        dirtySegments.add(segment);
    }

    void recomputeSegmentLive() {
        segmentLive.clear();
        allocs.forEach(
                (key, a) ->
                        segmentLive.merge(
                                LeafEntry.allocSegment(key), (long) allocBlocks(a), Long::sum));
    }
}

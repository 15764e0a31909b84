package io.exoclone.jobs.assemble;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.UUID;

/**
 * One bucket of the dedup index: the places of every content hash whose first two bytes are the
 * bucket's number, packed in one array sorted by hash, {@link #ENTRY} bytes each (hash, exo-clone
 * UUID, dedup order, image offset, length). A bucket is one keyed state value: the heap holds an
 * array and a map entry per bucket instead of a key, a map entry and a record per content hash
 * (docs/design/0005, "Dedup index").
 */
final class DedupBucket {
    /** Buckets: the first two bytes of the content hash. */
    static final int BUCKETS = 1 << 16;

    static final int HASH = 32;

    /** hash (32), exo-clone UUID (16), order (8), image offset (8), length in bytes (4). */
    static final int ENTRY = HASH + 16 + 8 + 8 + 4;

    private DedupBucket() {}

    /** The bucket a content hash belongs to. */
    static int of(byte[] hash) {
        return ((hash[0] & 0xff) << 8) | (hash[1] & 0xff);
    }

    /**
     * The index of {@code hash} in {@code bucket}, or {@code -(insertion point) - 1} when it is not
     * there (as {@link Arrays#binarySearch}).
     */
    static int find(byte[] bucket, byte[] hash) {
        int lo = 0;
        int hi = bucket.length / ENTRY - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = Arrays.compareUnsigned(bucket, mid * ENTRY, mid * ENTRY + HASH, hash, 0, HASH);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -(lo + 1);
    }

    /** The place recorded at index {@code i}. */
    static DedupLocation location(byte[] bucket, int i) {
        ByteBuffer b = ByteBuffer.wrap(bucket, i * ENTRY + HASH, ENTRY - HASH);
        UUID exoclone = new UUID(b.getLong(), b.getLong());
        long order = b.getLong();
        long offset = b.getLong();
        long length = Integer.toUnsignedLong(b.getInt());
        return new DedupLocation(exoclone, order, offset, length);
    }

    /**
     * A new bucket with {@code hash} at {@code place}: replacing index {@code i} when {@code i >=
     * 0}, inserted at {@code -i - 1} otherwise. The old array is never changed (a checkpoint may
     * still be writing it).
     */
    static byte[] with(byte[] bucket, int i, byte[] hash, DedupLocation place) {
        byte[] out;
        int at;
        if (i >= 0) {
            out = bucket.clone();
            at = i;
        } else {
            at = -i - 1;
            out = new byte[bucket.length + ENTRY];
            System.arraycopy(bucket, 0, out, 0, at * ENTRY);
            System.arraycopy(bucket, at * ENTRY, out, (at + 1) * ENTRY, bucket.length - at * ENTRY);
        }
        if (place.length > 0xffffffffL) {
            throw new IllegalArgumentException("A chunk of " + place.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(out, at * ENTRY, ENTRY);
        b.put(hash, 0, HASH);
        b.putLong(place.exocloneMsb).putLong(place.exocloneLsb);
        b.putLong(place.order).putLong(place.imageOffset).putInt((int) place.length);
        return out;
    }

    static int size(byte[] bucket) {
        return bucket.length / ENTRY;
    }
}

package io.exoclone.jobs.assemble;

import java.util.UUID;

/**
 * Where a chunk's bytes were first stored: the exo-clone and the byte offset in its resulting
 * volume image (a Flink POJO; the UUID as two longs keeps the dedup index small).
 */
public class DedupLocation {
    public long exocloneMsb;
    public long exocloneLsb;

    /** {@link Chunk#snapshotOrder} of the exo-clone. */
    public long order;

    public long imageOffset;
    public long length;

    public DedupLocation() {}

    public DedupLocation(UUID exoclone, long order, long imageOffset, long length) {
        this.order = order;
        this.exocloneMsb = exoclone.getMostSignificantBits();
        this.exocloneLsb = exoclone.getLeastSignificantBits();
        this.imageOffset = imageOffset;
        this.length = length;
    }

    public UUID exoclone() {
        return new UUID(exocloneMsb, exocloneLsb);
    }

    /** Whether this exo-clone comes before {@code snapshot} (of order {@code snapshotOrder}). */
    public boolean before(long snapshotOrder, UUID snapshot) {
        if (order != snapshotOrder) {
            return order < snapshotOrder;
        }
        return exoclone().toString().compareTo(snapshot.toString()) < 0;
    }
}

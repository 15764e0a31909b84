package io.exoclone.jobs.assemble;

import java.util.UUID;

/**
 * Where a chunk's bytes were first stored: the exo-clone and the byte offset in its resulting
 * volume image (a Flink POJO; the UUID as two longs keeps the dedup index small).
 */
public class DedupLocation {
    public long exocloneMsb;
    public long exocloneLsb;
    public long imageOffset;
    public long length;

    public DedupLocation() {}

    public DedupLocation(UUID exoclone, long imageOffset, long length) {
        this.exocloneMsb = exoclone.getMostSignificantBits();
        this.exocloneLsb = exoclone.getLeastSignificantBits();
        this.imageOffset = imageOffset;
        this.length = length;
    }

    public UUID exoclone() {
        return new UUID(exocloneMsb, exocloneLsb);
    }
}

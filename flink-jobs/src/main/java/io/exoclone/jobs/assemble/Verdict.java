package io.exoclone.jobs.assemble;

/**
 * The dedup index's answer for one DATA chunk (a Flink POJO), sent to the assembler keyed by
 * snapshot and joined there with the chunk's payload: keep the bytes ({@link #dedup} false), or
 * drop them and reference {@link #dedupSource} at {@link #dedupOffset} instead.
 */
public class Verdict {
    public String snapshotId;
    public long ordinal;
    public boolean dedup;

    /** For a DEDUP verdict: the exo-clone whose resulting image holds the bytes. */
    public String dedupSource;

    /** For a DEDUP verdict: byte offset of the bytes in that image. */
    public long dedupOffset;

    public Verdict() {}

    static Verdict keep(Claim c) {
        Verdict v = new Verdict();
        v.snapshotId = c.snapshotId;
        v.ordinal = c.ordinal;
        return v;
    }

    static Verdict dedup(Claim c, String source, long offset) {
        Verdict v = keep(c);
        v.dedup = true;
        v.dedupSource = source;
        v.dedupOffset = offset;
        return v;
    }

    /** Applies the verdict to the chunk's payload: a DEDUP chunk drops its bytes. */
    void applyTo(Chunk c) {
        if (dedup) {
            c.kind = Chunk.DEDUP;
            c.data = null;
            c.dedupSource = dedupSource;
            c.dedupOffset = dedupOffset;
        }
    }
}

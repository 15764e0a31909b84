package io.exoclone.jobs.assemble;

/** Keyed state of {@link ChangeSplitter} for one snapshot (a Flink POJO). */
public class SplitProgress {
    /** The sequence number of the next NodeChange expected. */
    public long nextSequence;

    /** Kafka timestamp of the snapshot's first record: its place in the dedup order. */
    public long firstTimestamp;

    /** The ordinal the next emitted chunk gets. */
    public long nextOrdinal;

    /** End block of the last range seen: ranges must not go backwards. */
    public long endBlock;

    /** The seal arrived and was forwarded; later records of the snapshot are repeats. */
    public boolean sealed;

    /** The snapshot was rejected (dead-lettered); its remaining records are dropped. */
    public boolean rejected;

    /** A range whose parts are being re-joined; null when none is open. */
    public RangePart pending;

    public SplitProgress() {}
}

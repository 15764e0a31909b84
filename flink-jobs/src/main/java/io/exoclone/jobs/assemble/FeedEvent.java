package io.exoclone.jobs.assemble;

/**
 * A decoded record of the change feed: a node change ({@link #seal} null) or a seal (a Flink POJO;
 * Avro classes would fall back to Kryo).
 */
public class FeedEvent {
    public String topic;
    public int partition;
    public long offset;

    /** Kafka timestamp of the record, epoch milliseconds. */
    public long timestampMillis;

    /** The snapshot's creation time from the feed's record header, epoch ms; 0 when absent. */
    public long snapshotCreatedMillis;

    public String volumeId;
    public String volumeName;
    public String snapshotId;
    public String parentId;
    public long sequence;
    public RangePart[] ranges;
    public SealInfo seal;

    public FeedEvent() {}

    public boolean isSeal() {
        return seal != null;
    }
}

package io.exoclone.jobs.assemble;

/** A Kafka record as read, before decoding (a Flink POJO). */
public class RawRecord {
    public String topic;
    public int partition;
    public long offset;
    public long timestampMillis;
    public byte[] key;
    public byte[] value;

    /**
     * The snapshot's creation time from the feed's {@code exoclone.snapshot-created} header, epoch
     * milliseconds; 0 when the record has none.
     */
    public long snapshotCreatedMillis;

    public RawRecord() {}

    public RawRecord(
            String topic,
            int partition,
            long offset,
            long timestampMillis,
            byte[] key,
            byte[] value) {
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.timestampMillis = timestampMillis;
        this.key = key;
        this.value = value;
    }
}

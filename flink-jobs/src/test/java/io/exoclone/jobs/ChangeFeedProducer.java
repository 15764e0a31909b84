package io.exoclone.jobs;

import io.exoclone.connectors.feed.ChangeFeed;
import io.exoclone.engine.ChangeRange;
import io.exoclone.engine.Pool;
import io.exoclone.engine.Snapshot;
import io.exoclone.engine.SnapshotChanges;
import io.exoclone.schemas.ChangedRange;
import io.exoclone.schemas.EventCodec;
import io.exoclone.schemas.NodeChange;
import io.exoclone.schemas.RangeKind;
import io.exoclone.schemas.SnapshotSealed;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Test stand-in for the change emitter: publishes a snapshot's changes as NodeChange records and a
 * SnapshotSealed in one Kafka transaction. Records carry at most {@code maxDataBytes} of data; a
 * range that does not fit is split into parts over consecutive records.
 */
final class ChangeFeedProducer implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final int maxDataBytes;
    private final EventCodec codec = new EventCodec();

    ChangeFeedProducer(Properties client, String topic, int maxDataBytes) {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "test-feed-" + UUID.randomUUID());
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 << 20);
        this.producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        producer.initTransactions();
        this.topic = topic;
        this.maxDataBytes = maxDataBytes;
    }

    /** Publishes snapshot {@code id} of {@code pool}; returns the number of NodeChange records. */
    long publish(Pool pool, UUID id) throws Exception {
        SnapshotChanges changes = pool.changes(id);
        Snapshot s = changes.snapshot();
        String volumeId = s.volumeId().toString();
        String parent = s.parentId().map(UUID::toString).orElse(null);
        List<NodeChange> records = new ArrayList<>();
        long dataBytes = 0;
        for (SnapshotChanges.LeafChange leaf : changes.leaves()) {
            List<ChangedRange> current = new ArrayList<>();
            int budget = maxDataBytes;
            for (ChangeRange r : leaf.ranges()) {
                if (r instanceof ChangeRange.Zero z) {
                    current.add(
                            range(z.startBlock(), z.blocks(), RangeKind.TRIM, null, null, 0, 1, 0));
                    continue;
                }
                ChangeRange.Data d = (ChangeRange.Data) r;
                byte[] data =
                        pool.read(
                                id,
                                d.startBlock() * Pool.BLOCK_SIZE,
                                (int) d.blocks() * Pool.BLOCK_SIZE);
                byte[] hash = MessageDigest.getInstance("SHA-256").digest(data);
                if (!Arrays.equals(hash, d.contentHash())) {
                    throw new AssertionError("Engine content hash is not SHA-256 of the data");
                }
                dataBytes += data.length;
                int parts = (data.length + maxDataBytes - 1) / maxDataBytes;
                if (parts == 1 && data.length > budget) {
                    // This record is full: the range starts the next record of the node.
                    records.add(node(s, volumeId, parent, records.size(), leaf, current));
                    current = new ArrayList<>();
                    budget = maxDataBytes;
                }
                if (parts == 1) {
                    current.add(
                            range(d.startBlock(), d.blocks(), RangeKind.DATA, hash, data, 0, 1, 0));
                    budget -= data.length;
                    continue;
                }
                // Split: every part goes into its own record.
                if (!current.isEmpty()) {
                    records.add(node(s, volumeId, parent, records.size(), leaf, current));
                    current = new ArrayList<>();
                }
                int step = (data.length + parts - 1) / parts;
                for (int i = 0; i < parts; i++) {
                    int from = i * step;
                    int to = Math.min(data.length, from + step);
                    records.add(
                            node(
                                    s,
                                    volumeId,
                                    parent,
                                    records.size(),
                                    leaf,
                                    List.of(
                                            range(
                                                    d.startBlock(),
                                                    d.blocks(),
                                                    RangeKind.DATA,
                                                    hash,
                                                    Arrays.copyOfRange(data, from, to),
                                                    i,
                                                    parts,
                                                    from))));
                }
                budget = maxDataBytes;
            }
            if (!current.isEmpty() || leaf.ranges().isEmpty()) {
                records.add(node(s, volumeId, parent, records.size(), leaf, current));
            }
        }
        SnapshotSealed seal =
                SnapshotSealed.newBuilder()
                        .setVolumeId(volumeId)
                        .setVolumeName(s.volume())
                        .setSnapshotId(id.toString())
                        .setParentId(parent)
                        .setGeneration(s.generation())
                        .setCreatedMillis(s.created().toEpochMilli())
                        .setTag(s.tag().orElse(null))
                        .setVolumeSize(s.size())
                        .setBlockSize(Pool.BLOCK_SIZE)
                        .setNodeChangeCount(records.size())
                        .setDataBytes(dataBytes)
                        .setRootHash(ByteBuffer.wrap(s.rootHash()))
                        .build();
        byte[] key = volumeId.getBytes(StandardCharsets.UTF_8);
        // Like the real feed: every record names the snapshot's creation time in a header.
        byte[] created =
                ByteBuffer.allocate(Long.BYTES).putLong(s.created().toEpochMilli()).array();
        producer.beginTransaction();
        for (NodeChange n : records) {
            ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, key, codec.encode(n));
            r.headers().add(ChangeFeed.SNAPSHOT_CREATED_HEADER, created);
            producer.send(r);
        }
        ProducerRecord<byte[], byte[]> sealRecord =
                new ProducerRecord<>(topic, key, codec.encode(seal));
        sealRecord.headers().add(ChangeFeed.SNAPSHOT_CREATED_HEADER, created);
        producer.send(sealRecord);
        producer.commitTransaction();
        return records.size();
    }

    /** Publishes arbitrary bytes in a transaction of their own. */
    void sendRaw(byte[] key, byte[] value) {
        producer.beginTransaction();
        producer.send(new ProducerRecord<>(topic, key, value));
        producer.commitTransaction();
    }

    private static NodeChange node(
            Snapshot s,
            String volumeId,
            String parent,
            long sequence,
            SnapshotChanges.LeafChange leaf,
            List<ChangedRange> ranges) {
        return NodeChange.newBuilder()
                .setVolumeId(volumeId)
                .setVolumeName(s.volume())
                .setSnapshotId(s.id().toString())
                .setParentId(parent)
                .setSequence(sequence)
                .setNodeId(leaf.nodeId())
                .setNodeGeneration(leaf.generation())
                .setRanges(new ArrayList<>(ranges))
                .build();
    }

    private static ChangedRange range(
            long start,
            long blocks,
            RangeKind kind,
            byte[] hash,
            byte[] data,
            int part,
            int parts,
            int offset) {
        return ChangedRange.newBuilder()
                .setStartBlock(start)
                .setBlocks((int) blocks)
                .setKind(kind)
                .setContentHash(hash == null ? null : ByteBuffer.wrap(hash))
                .setData(data == null ? null : ByteBuffer.wrap(data))
                .setPart(part)
                .setParts(parts)
                .setDataOffset(offset)
                .build();
    }

    @Override
    public void close() {
        producer.close();
    }
}

package io.exoclone.connectors.feed;

import static org.assertj.core.api.Assertions.assertThat;

import io.exoclone.schemas.ChangedRange;
import io.exoclone.schemas.EventCodec;
import io.exoclone.schemas.NodeChange;
import io.exoclone.schemas.SnapshotSealed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A plain kafka-clients consumer of a change topic, read_committed, as any third party would write
 * it: decodes each record with {@link EventCodec}, groups a snapshot's {@code NodeChange} records
 * until its {@code SnapshotSealed}, and checks what the feed promises about each snapshot (sequence
 * without gaps, counts, byte totals, key = volume id).
 */
final class FeedReader implements AutoCloseable {
    /** One sealed snapshot as read from the topic. */
    record SealedSnapshot(SnapshotSealed sealed, List<NodeChange> changes) {
        String id() {
            return sealed.getSnapshotId();
        }
    }

    private static final EventCodec CODEC = new EventCodec();

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, List<NodeChange>> open = new LinkedHashMap<>();
    private final List<SealedSnapshot> sealed = new ArrayList<>();
    private final Set<String> seen = new HashSet<>();
    private final Map<String, Long> createdHeader = new java.util.HashMap<>();
    private int maxRecordBytes;

    FeedReader(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(4 << 20));
        consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> parts =
                consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                        .map(i -> new TopicPartition(topic, i.partition()))
                        .collect(Collectors.toList());
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
    }

    /** Reads until {@code count} snapshots in total are sealed; fails after the timeout. */
    List<SealedSnapshot> awaitSealed(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (sealed.size() < count) {
            assertThat(System.nanoTime())
                    .as("%d of %d snapshots sealed within %s", sealed.size(), count, timeout)
                    .isLessThan(deadline);
            poll(Duration.ofMillis(200));
        }
        return List.copyOf(sealed);
    }

    /** Reads whatever arrives for {@code quiet}; returns every snapshot sealed so far. */
    List<SealedSnapshot> drain(Duration quiet) {
        long deadline = System.nanoTime() + quiet.toNanos();
        while (System.nanoTime() < deadline) {
            poll(Duration.ofMillis(200));
        }
        return List.copyOf(sealed);
    }

    /** The largest key + value read so far, in bytes. */
    int maxRecordBytes() {
        return maxRecordBytes;
    }

    /** Snapshot ids whose records arrived without a seal yet (never for read_committed). */
    Set<String> unsealed() {
        return open.keySet();
    }

    private void poll(Duration d) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(d)) {
            maxRecordBytes =
                    Math.max(maxRecordBytes, r.serializedKeySize() + r.serializedValueSize());
            SpecificRecord event = CODEC.decode(r.value());
            String key = new String(r.key(), java.nio.charset.StandardCharsets.UTF_8);
            var header = r.headers().lastHeader(ChangeFeed.SNAPSHOT_CREATED_HEADER);
            assertThat(header).as("creation time header on %s", event).isNotNull();
            long created = java.nio.ByteBuffer.wrap(header.value()).getLong();
            if (event instanceof NodeChange c) {
                assertThat(createdHeader.computeIfAbsent(c.getSnapshotId(), k -> created))
                        .as("creation time header of %s, same on every record", c.getSnapshotId())
                        .isEqualTo(created);
                assertThat(key).isEqualTo(c.getVolumeId());
                List<NodeChange> list =
                        open.computeIfAbsent(c.getSnapshotId(), k -> new ArrayList<>());
                assertThat(c.getSequence())
                        .as("sequence of %s", c.getSnapshotId())
                        .isEqualTo(list.size());
                list.add(c);
            } else if (event instanceof SnapshotSealed s) {
                assertThat(created)
                        .as("creation time header of %s's seal", s.getSnapshotId())
                        .isEqualTo(s.getCreatedMillis())
                        .isEqualTo(createdHeader.getOrDefault(s.getSnapshotId(), created));
                createdHeader.remove(s.getSnapshotId());
                assertThat(key).isEqualTo(s.getVolumeId());
                assertThat(seen.add(s.getSnapshotId()))
                        .as("snapshot %s sealed once", s.getSnapshotId())
                        .isTrue();
                List<NodeChange> changes = open.remove(s.getSnapshotId());
                changes = changes == null ? List.of() : changes;
                assertThat(changes).hasSize((int) s.getNodeChangeCount());
                long data = 0;
                for (NodeChange c : changes) {
                    assertThat(c.getParentId()).isEqualTo(s.getParentId());
                    for (ChangedRange cr : c.getRanges()) {
                        data += cr.getData() == null ? 0 : cr.getData().remaining();
                    }
                }
                assertThat(data).isEqualTo(s.getDataBytes());
                sealed.add(new SealedSnapshot(s, changes));
            } else {
                throw new AssertionError("Unexpected event on the change topic: " + event);
            }
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}

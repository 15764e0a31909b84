package io.exoclone.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.exoclone.engine.NotFoundException;
import io.exoclone.engine.Pool;
import io.exoclone.engine.Snapshot;
import io.exoclone.format.Compression;
import io.exoclone.format.ExocloneReader;
import io.exoclone.format.Importer;
import io.exoclone.schemas.EventCodec;
import io.exoclone.schemas.ExoclonePublished;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads what the job published and checks it against the source pool through a replica. */
final class ReplicaCheck {
    private ReplicaCheck() {}

    /**
     * Reads committed records of {@code topic} until {@code expected} arrived (or time runs out).
     */
    static List<ExoclonePublished> readPublished(
            Properties client, String topic, int expected, Duration timeout) {
        return readPublished(client, topic, expected, timeout, Duration.ofSeconds(2));
    }

    /** As above, then keeps reading for {@code settle} to catch duplicates. */
    static List<ExoclonePublished> readPublished(
            Properties client, String topic, int expected, Duration timeout, Duration settle) {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "check-" + UUID.randomUUID());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        EventCodec codec = new EventCodec();
        List<ExoclonePublished> out = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            while (out.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    out.add(codec.decode(r.value(), ExoclonePublished.class));
                }
            }
            // Anything beyond the expected count would be a duplicate: look a little longer.
            long settleEnd = System.nanoTime() + settle.toNanos();
            while (System.nanoTime() < settleEnd) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    out.add(codec.decode(r.value(), ExoclonePublished.class));
                }
            }
        }
        return out;
    }

    /**
     * Downloads every published file, imports them into an empty pool in an order that puts parents
     * and dedup sources first, and compares every snapshot with the source.
     */
    static void importAndCompare(
            Pool source,
            List<UUID> snapshots,
            List<ExoclonePublished> published,
            Map<String, String> hadoop,
            Path work)
            throws Exception {
        importAndCompare(source, snapshots, published, hadoop, work, Compression.NONE);
    }

    /** As above, and every file's payload is stored with {@code compression}. */
    static void importAndCompare(
            Pool source,
            List<UUID> snapshots,
            List<ExoclonePublished> published,
            Map<String, String> hadoop,
            Path work,
            Compression compression)
            throws Exception {
        Configuration conf = new Configuration();
        conf.set("fs.file.impl", "org.apache.hadoop.fs.RawLocalFileSystem");
        hadoop.forEach(conf::set);
        List<Path> files = new ArrayList<>();
        Path downloads = Files.createDirectories(work.resolve("downloads"));
        for (ExoclonePublished p : published) {
            URI uri = URI.create(p.getUri());
            Path local = downloads.resolve(p.getExocloneId() + ".exo");
            try (FileSystem fs = FileSystem.newInstance(uri, conf);
                    java.io.InputStream in = fs.open(new org.apache.hadoop.fs.Path(uri))) {
                Files.copy(in, local);
            }
            assertThat(Files.size(local)).isEqualTo(p.getFileBytes());
            try (ExocloneReader r = ExocloneReader.open(local)) {
                assertThat(r.header().compression())
                        .as("compression of %s", p.getExocloneId())
                        .isEqualTo(compression);
            }
            files.add(local);
        }
        try (Pool replica = Pool.create(work.resolve("replica"))) {
            List<Path> pending = new ArrayList<>(files);
            boolean progress = true;
            while (!pending.isEmpty() && progress) {
                progress = false;
                for (Iterator<Path> it = pending.iterator(); it.hasNext(); ) {
                    Path f = it.next();
                    try {
                        Importer.importFile(replica, f, Optional.empty(), false);
                        it.remove();
                        progress = true;
                    } catch (NotFoundException e) {
                        // A parent or dedup source comes later in the list.
                    }
                }
            }
            assertThat(pending).as("files that could not be imported").isEmpty();
            for (UUID id : snapshots) {
                Snapshot want = source.findSnapshot(id).orElseThrow();
                Snapshot got = replica.findSnapshot(id).orElseThrow();
                assertThat(got.rootHashHex())
                        .as("root hash of %s", id)
                        .isEqualTo(want.rootHashHex());
                assertThat(got.size()).isEqualTo(want.size());
                assertThat(got.created())
                        .as("creation time of %s (the file's, from the feed's record header)", id)
                        .isEqualTo(Instant.ofEpochMilli(want.created().toEpochMilli()));
                assertThat(replica.read(id, 0, (int) want.size()))
                        .as("bytes of %s", id)
                        .isEqualTo(source.read(id, 0, (int) want.size()));
            }
            assertThat(replica.check().problems()).isEmpty();
        }
    }
}

package io.exoclone.jobs.replicate;

import static org.assertj.core.api.Assertions.assertThat;

import io.exoclone.engine.Pool;
import io.exoclone.engine.Snapshot;
import io.exoclone.schemas.EventCodec;
import io.exoclone.schemas.ExoclonePublished;
import io.exoclone.testutils.EmbeddedKafka;
import io.exoclone.testutils.LocalFlinkCluster;
import io.exoclone.testutils.MiniHdfs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * ReplicateJob with the exo-clone files on HDFS: each file is staged next to the replica pool,
 * adopted from there, and the staged copy is gone afterwards.
 */
class ReplicateFromHdfsITCase {
    @RegisterExtension static final EmbeddedKafka KAFKA = new EmbeddedKafka();
    @RegisterExtension static final LocalFlinkCluster FLINK = new LocalFlinkCluster();
    @RegisterExtension static final MiniHdfs HDFS = new MiniHdfs();

    @TempDir Path dir;

    @Test
    void replicatesFilesFetchedFromHdfs() throws Exception {
        SourceSite source = new SourceSite(dir);
        List<ExoclonePublished> published = new ArrayList<>();
        for (ExoclonePublished e : source.alpha) {
            org.apache.hadoop.fs.Path remote =
                    new org.apache.hadoop.fs.Path(
                            HDFS.uri().resolve("/exoclones/" + e.getExocloneId() + ".exo"));
            HDFS.fileSystem()
                    .copyFromLocalFile(
                            new org.apache.hadoop.fs.Path(java.net.URI.create(e.getUri())), remote);
            published.add(
                    ExoclonePublished.newBuilder(e)
                            .setUri(HDFS.fileSystem().makeQualified(remote).toUri().toString())
                            .build());
        }
        Collections.reverse(published);
        KAFKA.createTopic(ReplicateJob.PUBLISHED_TOPIC, 1);
        EventCodec codec = new EventCodec();
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(
                        KAFKA.clientProperties(),
                        new ByteArraySerializer(),
                        new ByteArraySerializer())) {
            for (ExoclonePublished e : published) {
                producer.send(
                        new ProducerRecord<>(
                                ReplicateJob.PUBLISHED_TOPIC,
                                e.getVolumeId().getBytes(StandardCharsets.UTF_8),
                                codec.encode(e)));
            }
        }
        Path replica = dir.resolve("site-b");
        Pool.create(replica).close();

        ReplicateJob job =
                ReplicateJob.builder()
                        .bootstrap(KAFKA.bootstrapServers())
                        .poolDir(replica.toString())
                        .hadoopProperties(HDFS.hadoopProperties())
                        .bounded(true)
                        .build();
        StreamExecutionEnvironment env = FLINK.environment();
        job.addTo(env);
        env.execute(job.jobName());

        try (Pool a = Pool.open(source.poolDir);
                Pool b = Pool.open(replica)) {
            for (ExoclonePublished e : source.alpha) {
                UUID id = UUID.fromString(e.getExocloneId());
                Snapshot copy = b.findSnapshot(id).orElseThrow();
                assertThat(copy.rootHashHex())
                        .isEqualTo(a.findSnapshot(id).orElseThrow().rootHashHex());
                assertThat(b.read(id, 0, (int) copy.size()))
                        .isEqualTo(a.read(id, 0, (int) copy.size()));
            }
        }
        try (Stream<Path> staged = Files.list(dir.resolve("site-b.staging"))) {
            assertThat(staged).as("staged files are removed after import").isEmpty();
        }
    }
}

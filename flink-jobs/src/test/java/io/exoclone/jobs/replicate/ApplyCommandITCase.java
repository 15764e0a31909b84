package io.exoclone.jobs.replicate;

import static org.assertj.core.api.Assertions.assertThat;

import io.exoclone.cli.Main;
import io.exoclone.engine.Pool;
import io.exoclone.schemas.EventCodec;
import io.exoclone.schemas.ExoclonePublished;
import io.exoclone.testutils.EmbeddedKafka;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code exoclone --pool B apply --bootstrap ... --once} on Flink's local environment. */
class ApplyCommandITCase {
    @RegisterExtension static final EmbeddedKafka KAFKA = new EmbeddedKafka();

    @TempDir Path dir;

    @Test
    void appliesWhatIsPublishedAndPrintsTheDashboard() throws Exception {
        SourceSite source = new SourceSite(dir);
        Path replica = dir.resolve("site-b");
        Pool.create(replica).close();
        KAFKA.createTopic(ReplicateJob.PUBLISHED_TOPIC, 1);
        EventCodec codec = new EventCodec();
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(
                        KAFKA.clientProperties(),
                        new ByteArraySerializer(),
                        new ByteArraySerializer())) {
            for (ExoclonePublished e : source.alpha) {
                producer.send(
                        new ProducerRecord<>(
                                ReplicateJob.PUBLISHED_TOPIC,
                                e.getVolumeId().getBytes(StandardCharsets.UTF_8),
                                codec.encode(e)));
            }
        }

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code =
                new Main(
                                new ByteArrayInputStream(new byte[0]),
                                out,
                                new PrintStream(err, true, StandardCharsets.UTF_8),
                                Map.of(),
                                false)
                        .execute(
                                "--pool",
                                replica.toString(),
                                "apply",
                                "--bootstrap",
                                KAFKA.bootstrapServers(),
                                "--site",
                                "b",
                                "--flink-conf",
                                "restart-strategy.type=none",
                                "--once");

        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as(printed + err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(printed).contains("Flink dashboard: http://127.0.0.1:").contains("as site b");
        try (Pool b = Pool.open(replica)) {
            for (ExoclonePublished e : source.alpha) {
                assertThat(b.findSnapshot(UUID.fromString(e.getExocloneId()))).isPresent();
            }
        }
    }
}

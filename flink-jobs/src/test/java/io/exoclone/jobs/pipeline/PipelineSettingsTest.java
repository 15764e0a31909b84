package io.exoclone.jobs.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PipelineSettingsTest {
    private static final Path WORK = Path.of("/tmp/w");
    private static final Path REPLICA = Path.of("/srv/site b");

    @Test
    void defaultsLiveUnderTheWorkDirectory() {
        PipelineSettings s = PipelineSettings.builder(WORK, REPLICA).build();
        assertThat(s.site()).isEqualTo("site-b");
        assertThat(s.storageUri().toString()).isEqualTo("file:///tmp/w/exoclones");
        assertThat(s.checkpointBase().toString()).isEqualTo("file:///tmp/w/state");
        assertThat(s.externalBootstrap()).isEmpty();
        assertThat(s.checkpointInterval()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void givenServicesWin() {
        PipelineSettings s =
                PipelineSettings.builder(WORK, REPLICA)
                        .bootstrap("kafka-1:9092,kafka-2:9092")
                        .flink("jm:8081")
                        .storage("hdfs://nn:8020/exo")
                        .checkpointDir("s3a://bucket/flink")
                        .site("dr")
                        .build();
        assertThat(s.externalBootstrap()).contains("kafka-1:9092,kafka-2:9092");
        assertThat(s.storageUri().toString()).isEqualTo("hdfs://nn:8020/exo");
        assertThat(s.checkpointBase().toString()).isEqualTo("s3a://bucket/flink");
        assertThat(s.site()).isEqualTo("dr");
    }

    @Test
    void badValuesAreNamed() {
        assertThatThrownBy(() -> PipelineSettings.builder(WORK, REPLICA).bootstrap("kafka").build())
                .hasMessageContaining("'kafka'");
        assertThatThrownBy(() -> PipelineSettings.builder(WORK, REPLICA).flink("jm").build())
                .hasMessageContaining("'jm'");
        assertThatThrownBy(
                        () -> PipelineSettings.builder(WORK, REPLICA).storage("/no/scheme").build())
                .hasMessageContaining("'/no/scheme'");
        assertThatThrownBy(() -> PipelineSettings.builder(WORK, REPLICA).site("a b").build())
                .hasMessageContaining("'a b'");
        assertThatThrownBy(
                        () ->
                                PipelineSettings.builder(WORK, REPLICA)
                                        .checkpointInterval(Duration.ofMillis(10))
                                        .build())
                .hasMessageContaining("10 ms");
    }
}

package io.exoclone.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.exoclone.format.Compression;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AssembleOptionsTest {
    @TempDir Path dir;

    @Test
    void fileThenFlagsWithDefaults() throws Exception {
        Path f = dir.resolve("assemble.properties");
        Files.writeString(
                f,
                "bootstrap=kafka:9092\nto=hdfs://nn:8020/x\nstate.backend=rocksdb\n"
                        + "hadoop.fs.s3a.endpoint=http://s3:9000\n");
        AssembleOptions o = AssembleOptions.builder().file(f).bootstrap("other:1").build();
        assertThat(o.bootstrap()).isEqualTo("other:1");
        assertThat(o.target().toString()).isEqualTo("hdfs://nn:8020/x");
        assertThat(o.stateBackend()).isEqualTo("rocksdb");
        assertThat(o.nodeChangesTopic()).isEqualTo("exoclone.node-changes");
        assertThat(o.checkpointIntervalMs()).isEqualTo(10_000);
        assertThat(o.parallelism()).isEqualTo(-1);
        assertThat(o.hadoopProperties()).containsEntry("fs.s3a.endpoint", "http://s3:9000");
        assertThat(o.compression()).isEqualTo(Compression.NONE);
        assertThat(
                        AssembleOptions.builder()
                                .file(f)
                                .set("compression", "LZ4")
                                .build()
                                .compression())
                .isEqualTo(Compression.LZ4);
    }

    @Test
    void badValuesAreNamed() {
        assertThatThrownBy(() -> AssembleOptions.builder().target("file:///x").build())
                .hasMessageContaining("'bootstrap'");
        assertThatThrownBy(
                        () ->
                                AssembleOptions.builder()
                                        .bootstrap("h:1")
                                        .target("/no/scheme")
                                        .build())
                .hasMessageContaining("'/no/scheme'");
        assertThatThrownBy(
                        () ->
                                AssembleOptions.builder()
                                        .bootstrap("h:1")
                                        .target("file:///x")
                                        .stateBackend("mem")
                                        .build())
                .hasMessageContaining("'mem'");
        assertThatThrownBy(
                        () ->
                                AssembleOptions.builder()
                                        .bootstrap("h:1")
                                        .target("file:///x")
                                        .parallelism(0)
                                        .build())
                .hasMessageContaining("got 0");
        assertThatThrownBy(
                        () ->
                                AssembleOptions.builder()
                                        .bootstrap("h:1")
                                        .target("file:///x")
                                        .compression("zstd")
                                        .build())
                .hasMessageContaining("'zstd'");
    }

    @Test
    void theSourceGetsBulkFetchSizesThatKafkaSettingsOverride() {
        AssembleOptions o =
                AssembleOptions.builder()
                        .bootstrap("h:1")
                        .target("file:///x")
                        .set("kafka.fetch.max.wait.ms", "5")
                        .build();
        assertThat(o.consumerProperties())
                .containsEntry("max.partition.fetch.bytes", Integer.toString(8 << 20))
                .containsEntry("fetch.max.wait.ms", "5");
        assertThatThrownBy(
                        () ->
                                AssembleOptions.builder()
                                        .bootstrap("h:1")
                                        .target("file:///x")
                                        .set("kafka.isolation.level", "read_uncommitted")
                                        .build())
                .hasMessageContaining("kafka.isolation.level");
    }
}

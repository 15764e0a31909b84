package io.exoclone.testutils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Bad options fail at build time with the bad value in the message; nothing starts. */
class BuildersTest {

    @Test
    void kafkaRejectsOverridingTheListeners() {
        assertThatThrownBy(
                        () ->
                                EmbeddedKafka.builder()
                                        .brokerProperty("listeners", "PLAINTEXT://0.0.0.0:9092")
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("listeners=PLAINTEXT://0.0.0.0:9092");
    }

    @Test
    void kafkaRejectsABlankProperty() {
        assertThatThrownBy(() -> EmbeddedKafka.builder().brokerProperty(" ", "x"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void kafkaRejectsTopicsWithoutPartitions() {
        EmbeddedKafka kafka = new EmbeddedKafka();
        assertThatThrownBy(() -> kafka.createTopic("t", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got 0");
        assertThat(kafka.isRunning()).isFalse();
    }

    @Test
    void kafkaWithoutStartHasNoAddress() {
        assertThatThrownBy(() -> new EmbeddedKafka().bootstrapServers())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("never started");
    }

    @Test
    void flinkRejectsZeroSlotsAndTaskManagers() {
        assertThatThrownBy(() -> LocalFlinkCluster.builder().taskSlots(0))
                .hasMessageContaining("got 0");
        assertThatThrownBy(() -> LocalFlinkCluster.builder().taskManagers(-1))
                .hasMessageContaining("got -1");
        assertThat(LocalFlinkCluster.builder().taskSlots(3).taskManagers(2).build().parallelism())
                .isEqualTo(6);
    }

    @Test
    void s3RejectsInvalidBucketNamesAndBlankKeys() {
        assertThatThrownBy(() -> LocalS3.builder().bucket("Upper_Case").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'Upper_Case'");
        assertThatThrownBy(() -> LocalS3.builder().secretKey("").build())
                .hasMessageContaining("Secret key");
        assertThat(LocalS3.builder().bucket("b-1").build().uri()).hasToString("s3a://b-1/");
    }

    @Test
    void servicesThatAreNotRunningSaySo() {
        assertThatThrownBy(() -> new MiniHdfs().uri()).hasMessageContaining("not running");
        assertThatThrownBy(() -> new LocalS3().endpoint()).hasMessageContaining("not running");
        assertThatThrownBy(() -> new LocalFlinkCluster().environment())
                .hasMessageContaining("not running");
    }
}

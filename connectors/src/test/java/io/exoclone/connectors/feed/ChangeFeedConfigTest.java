package io.exoclone.connectors.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.exoclone.engine.InvalidArgumentException;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Builder checks name the bad value; the cursor's text form round-trips. */
class ChangeFeedConfigTest {
    private static ChangeFeedConfig.Builder valid() {
        return ChangeFeedConfig.builder().bootstrapServers("127.0.0.1:9092");
    }

    @Test
    void defaults() {
        ChangeFeedConfig c = valid().build();
        assertThat(c.topic()).isEqualTo("exoclone.node-changes");
        assertThat(c.cursorTopic()).isEqualTo("exoclone.feed-cursors");
        assertThat(c.maxRecordBytes()).isEqualTo(1 << 20);
        assertThat(c.transactionalId()).isEmpty();
        assertThat(c.createTopics()).isTrue();
        assertThat(c.transactionTimeout()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void badValuesAreRefusedWithTheValueInTheMessage() {
        assertThatThrownBy(() -> ChangeFeedConfig.builder().build())
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("Bootstrap servers");
        assertThatThrownBy(() -> valid().maxRecordBytes(4096).build())
                .hasMessageContaining("4096")
                .hasMessageContaining("8192");
        assertThatThrownBy(() -> valid().topic("bad topic").build())
                .hasMessageContaining("'bad topic'");
        assertThatThrownBy(() -> valid().cursorTopic("exoclone.node-changes").build())
                .hasMessageContaining("must differ");
        assertThatThrownBy(() -> valid().topicPartitions(0).build()).hasMessageContaining("0");
        assertThatThrownBy(() -> valid().transactionalId(" ").build())
                .hasMessageContaining("blank");
        assertThatThrownBy(() -> valid().kafkaTimeout(Duration.ofMillis(10)).build())
                .hasMessageContaining("PT0.01S");
        assertThatThrownBy(
                        () ->
                                valid().retryBackoff(Duration.ofSeconds(5), Duration.ofSeconds(1))
                                        .build())
                .hasMessageContaining("PT1S")
                .hasMessageContaining("PT5S");
        assertThatThrownBy(() -> valid().closeTimeout(Duration.ZERO).build())
                .hasMessageContaining("Close timeout");
    }

    @Test
    void theSettingsExactlyOnceDependsOnCannotBeOverridden() {
        for (String key :
                new String[] {
                    "enable.idempotence", "acks", "transactional.id", "max.request.size"
                }) {
            assertThatThrownBy(() -> valid().producerProperty(key, "x"))
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining(key);
        }
        assertThat(valid().producerProperty("compression.type", "lz4").build().producerProperties())
                .containsEntry("compression.type", "lz4");
    }

    @Test
    void cursorTextRoundTrips() {
        FeedCursor c = new FeedCursor(42, UUID.randomUUID());
        assertThat(FeedCursor.parse(c.format())).contains(c);
        assertThat(FeedCursor.parse(null)).isEmpty();
        assertThat(c.covers(42)).isTrue();
        assertThat(c.covers(43)).isFalse();
        assertThatThrownBy(() -> FeedCursor.parse("42"))
                .isInstanceOf(FeedException.class)
                .hasMessageContaining("'42'");
        assertThatThrownBy(() -> FeedCursor.parse("x " + UUID.randomUUID()))
                .isInstanceOf(FeedException.class);
    }
}

package io.exoclone.server.feed;

import io.exoclone.cli.CliContext;
import io.exoclone.cli.Sizes;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The change feed's options besides {@code --bootstrap}, shared by {@code stream} and {@code serve}
 * (a picocli mixin).
 */
public final class FeedSettings {
    @Option(
            names = "--topic",
            paramLabel = "T",
            defaultValue = FeedOptions.DEFAULT_TOPIC,
            description = "Change topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(
            names = "--cursor-topic",
            paramLabel = "T",
            defaultValue = FeedOptions.DEFAULT_CURSOR_TOPIC,
            description = "Compacted topic of the feeds' cursors (default: ${DEFAULT-VALUE}).")
    String cursorTopic;

    @Option(
            names = "--max-record-bytes",
            paramLabel = "SIZE",
            defaultValue = "1M",
            converter = Sizes.Converter.class,
            description = "Largest Kafka record, key and overhead included (default: 1M).")
    long maxRecordBytes;

    @Option(
            names = "--partitions",
            paramLabel = "N",
            defaultValue = "1",
            description = "Partitions of the change topic if the feed creates it (default: 1).")
    int partitions;

    @Option(
            names = "--transactional-id",
            paramLabel = "ID",
            description =
                    "Kafka transactional.id (default: derived from the pool's feed id and the"
                            + " topic, stable for the pool).")
    String transactionalId;

    @Option(
            names = {"-X", "--producer-property"},
            paramLabel = "KEY=VALUE",
            description = "Extra Kafka producer setting, e.g. -X compression.type=lz4.")
    Map<String, String> producerProperties = Map.of();

    /** The options for a feed to {@code bootstrap}; a bad value is a usage error. */
    public FeedOptions options(CliContext cli, String bootstrap) {
        if (maxRecordBytes > Integer.MAX_VALUE) {
            throw cli.usageError("--max-record-bytes is too large: " + maxRecordBytes);
        }
        try {
            return new FeedOptions(
                    bootstrap,
                    topic,
                    cursorTopic,
                    (int) maxRecordBytes,
                    partitions,
                    Optional.ofNullable(transactionalId),
                    producerProperties);
        } catch (IllegalArgumentException e) {
            throw cli.usageError(e.getMessage());
        }
    }
}

package io.exoclone.connectors.feed;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creates the feed's topics when they are missing and checks that existing ones suit it. A change
 * topic the feed creates gets the producer's {@code compression.type} (when one is set, for example
 * {@code lz4} for compressible volumes) as its own. The change topic is not compacted (the key is
 * the volume: compaction would keep one record per volume) and accepts the feed's largest record;
 * the cursor topic is compacted (it must keep every feed's last cursor forever).
 */
final class FeedTopics {
    /** The broker's default {@code message.max.bytes}: 1 MiB and a batch header's 12 bytes. */
    static final int BROKER_DEFAULT_MAX_MESSAGE_BYTES = (1 << 20) + 12;

    private FeedTopics() {}

    /**
     * Prepares both topics.
     *
     * @return the number of partitions of the cursor topic
     * @throws FeedException when a topic is missing and may not be created, or is unsuitable
     */
    static int prepare(Admin admin, ChangeFeedConfig config, int batchBytes) {
        long timeout = config.kafkaTimeout().toMillis();
        Map<String, TopicDescription> topics =
                describe(admin, List.of(config.topic(), config.cursorTopic()), timeout);
        List<NewTopic> missing = new ArrayList<>();
        if (!topics.containsKey(config.topic())) {
            NewTopic t =
                    new NewTopic(
                            config.topic(),
                            Optional.of(config.topicPartitions()),
                            Optional.empty());
            Map<String, String> topicConfigs = new java.util.HashMap<>();
            if (config.maxRecordBytes() > BROKER_DEFAULT_MAX_MESSAGE_BYTES) {
                topicConfigs.put("max.message.bytes", Integer.toString(config.maxRecordBytes()));
            }
            String compression = config.producerProperties().get("compression.type");
            if (compression != null && !compression.equals("none")) {
                // The topic keeps the producer's codec: the broker stores the batches as they
                // come instead of re-compressing them (and a consumer decompresses once).
                topicConfigs.put("compression.type", compression);
            }
            if (!topicConfigs.isEmpty()) {
                t.configs(topicConfigs);
            }
            missing.add(t);
        }
        if (!topics.containsKey(config.cursorTopic())) {
            missing.add(
                    new NewTopic(config.cursorTopic(), Optional.of(1), Optional.empty())
                            .configs(Map.of("cleanup.policy", "compact")));
        }
        if (!missing.isEmpty()) {
            if (!config.createTopics()) {
                throw new FeedException(
                        "Topic "
                                + missing.get(0).name()
                                + " does not exist on "
                                + config.bootstrapServers()
                                + " and creating topics is turned off");
            }
            for (NewTopic t : missing) {
                try {
                    get(admin.createTopics(List.of(t)).all(), timeout);
                } catch (TopicExistsException e) {
                    // created meanwhile by someone else: checked below like any other
                }
            }
            topics = awaitLeaders(admin, List.of(config.topic(), config.cursorTopic()), timeout);
        }
        Map<ConfigResource, Config> configs =
                get(
                        admin.describeConfigs(
                                        List.of(
                                                resource(config.topic()),
                                                resource(config.cursorTopic())))
                                .all(),
                        timeout);
        Config change = configs.get(resource(config.topic()));
        Config cursor = configs.get(resource(config.cursorTopic()));
        if (policies(change).contains("compact")) {
            throw new FeedException(
                    "Topic "
                            + config.topic()
                            + " has cleanup.policy="
                            + value(change, "cleanup.policy")
                            + "; the change feed needs 'delete': compaction keeps only the last"
                            + " record of each volume");
        }
        long maxMessage = Long.parseLong(value(change, "max.message.bytes"));
        long needed = Math.max(config.maxRecordBytes(), batchBytes);
        if (maxMessage < needed) {
            throw new FeedException(
                    "Topic "
                            + config.topic()
                            + " accepts batches up to max.message.bytes="
                            + maxMessage
                            + " bytes, but the feed writes up to "
                            + needed
                            + " bytes (max record bytes "
                            + config.maxRecordBytes()
                            + "); lower the max record bytes or raise the topic's"
                            + " max.message.bytes");
        }
        if (!policies(cursor).contains("compact")) {
            throw new FeedException(
                    "Cursor topic "
                            + config.cursorTopic()
                            + " has cleanup.policy="
                            + value(cursor, "cleanup.policy")
                            + "; it must be 'compact', or feed cursors expire and snapshots get"
                            + " published again");
        }
        return topics.get(config.cursorTopic()).partitions().size();
    }

    private static Map<String, TopicDescription> describe(
            Admin admin, List<String> names, long timeout) {
        Map<String, TopicDescription> out = new java.util.HashMap<>();
        var futures = admin.describeTopics(names).topicNameValues();
        for (String name : names) {
            try {
                out.put(name, get(futures.get(name), timeout));
            } catch (UnknownTopicOrPartitionException e) {
                // missing
            }
        }
        return out;
    }

    /** Describes new topics until every partition has a leader, so the first send finds one. */
    private static Map<String, TopicDescription> awaitLeaders(
            Admin admin, List<String> names, long timeout) {
        long deadline = System.currentTimeMillis() + timeout;
        while (true) {
            Map<String, TopicDescription> topics = describe(admin, names, timeout);
            boolean ready =
                    topics.size() == names.size()
                            && topics.values().stream()
                                    .flatMap(t -> t.partitions().stream())
                                    .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
            if (ready || System.currentTimeMillis() > deadline) {
                return topics;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new org.apache.kafka.common.errors.InterruptException(e);
            }
        }
    }

    private static ConfigResource resource(String topic) {
        return new ConfigResource(ConfigResource.Type.TOPIC, topic);
    }

    private static String value(Config c, String key) {
        ConfigEntry e = c.get(key);
        if (e == null || e.value() == null) {
            throw new FeedException("The broker did not report the topic setting " + key);
        }
        return e.value();
    }

    private static Set<String> policies(Config c) {
        return Set.of(value(c, "cleanup.policy").replace(" ", "").split(","));
    }

    /**
     * Waits for an admin result; Kafka errors are rethrown unwrapped so callers can tell them
     * apart, a timeout becomes a Kafka timeout.
     */
    static <T> T get(org.apache.kafka.common.KafkaFuture<T> f, long timeoutMillis) {
        try {
            return f.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof KafkaException k) {
                throw k;
            }
            throw new KafkaException(e.getCause());
        } catch (TimeoutException e) {
            throw new org.apache.kafka.common.errors.TimeoutException(
                    "Kafka did not answer within " + timeoutMillis + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new org.apache.kafka.common.errors.InterruptException(e);
        }
    }
}

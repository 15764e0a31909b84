package io.exoclone.jobs.pipeline;

import io.exoclone.connectors.feed.ChangeFeedConfig;
import io.exoclone.jobs.replicate.ReplicateJob;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the pipeline's topics that do not exist yet (one partition, the broker's replication
 * factor), before the jobs subscribe: a Kafka source does not see a topic created after it started
 * until its next partition discovery. Existing topics are left as they are; the change feed creates
 * and checks its compacted cursor topic itself.
 */
final class Topics {
    static final List<String> NAMES =
            List.of(
                    ChangeFeedConfig.DEFAULT_TOPIC,
                    ReplicateJob.PUBLISHED_TOPIC,
                    ReplicateJob.STATUS_TOPIC,
                    "exoclone.dead-letter");

    private Topics() {}

    static void ensure(String bootstrap) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "60000");
        try (Admin admin = Admin.create(p)) {
            Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (String name : NAMES) {
                if (!existing.contains(name)) {
                    missing.add(new NewTopic(name, 1, (short) -1));
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            try {
                admin.createTopics(missing).all().get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException(
                            "Could not create topics on "
                                    + bootstrap
                                    + ": "
                                    + e.getCause().getMessage(),
                            e.getCause());
                }
            }
            // Wait until every partition has a leader, so the first subscriber finds it.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            for (String name : NAMES) {
                while (true) {
                    var d =
                            admin.describeTopics(List.of(name))
                                    .allTopicNames()
                                    .get(60, TimeUnit.SECONDS);
                    if (d.get(name).partitions().stream().allMatch(i -> i.leader() != null)) {
                        break;
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(
                                "Topic " + name + " has no leader on " + bootstrap);
                    }
                    Thread.sleep(50);
                }
            }
        }
    }
}

package io.exoclone.jobs.pipeline;

import io.exoclone.engine.Hex;
import io.exoclone.schemas.EventCodec;
import io.exoclone.schemas.ExoclonePublished;
import io.exoclone.schemas.ReplicaState;
import io.exoclone.schemas.ReplicaStatus;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Follows {@code exoclone.published} (from the beginning: what each exo-clone shipped) and {@code
 * exoclone.replica-status} (from where it ended when the watcher started) and reports one {@link
 * Replicated} per exo-clone the replica site applied. Joins no consumer group.
 */
final class StatusWatcher implements AutoCloseable {
    /** One exo-clone applied at the replica site (or found there already). */
    record Replicated(
            UUID id,
            String volume,
            long shippedBytes,
            long changedBytes,
            long dedupBytes,
            long lagMillis,
            String rootHex,
            boolean alreadyPresent) {
        /** The live line: {@code replicated UUID volume=... shipped=... changed=... lag=...}. */
        String line() {
            return (alreadyPresent ? "present " : "replicated ")
                    + id
                    + " volume="
                    + volume
                    + " shipped="
                    + (shippedBytes < 0 ? "?" : Bytes.human(shippedBytes))
                    + " changed="
                    + (changedBytes < 0 ? "?" : Bytes.human(changedBytes))
                    + " dedup="
                    + (dedupBytes < 0 ? "?" : Bytes.human(dedupBytes))
                    + " lag="
                    + Bytes.seconds(lagMillis)
                    + " root="
                    + rootHex.substring(0, Math.min(16, rootHex.length()));
        }
    }

    private static final Duration POLL = Duration.ofMillis(200);
    private static final long UNMATCHED_GRACE_MILLIS = 5_000;

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String publishedTopic;
    private final String statusTopic;
    private final String site;
    private final Consumer<Replicated> onReplicated;
    private final Consumer<String> onProblem;
    private final EventCodec codec = new EventCodec();
    private final Map<String, ExoclonePublished> published = new HashMap<>();
    private final Map<String, Waiting> unmatched = new HashMap<>();
    private final Set<UUID> applied = ConcurrentHashMap.newKeySet();
    private final AtomicLong problems = new AtomicLong();
    private final Thread thread;
    private volatile boolean closing;
    private volatile Throwable failure;

    private record Waiting(ReplicaStatus status, long since) {}

    StatusWatcher(
            String bootstrap,
            String publishedTopic,
            String statusTopic,
            String site,
            Consumer<Replicated> onReplicated,
            Consumer<String> onProblem) {
        this.publishedTopic = publishedTopic;
        this.statusTopic = statusTopic;
        this.site = site;
        this.onReplicated = onReplicated;
        this.onProblem = onProblem;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "exoclone-pipeline-watcher");
        consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> fromStart = partitions(publishedTopic);
        List<TopicPartition> fromEnd = partitions(statusTopic);
        List<TopicPartition> all = new ArrayList<>(fromStart);
        all.addAll(fromEnd);
        consumer.assign(all);
        consumer.seekToBeginning(fromStart);
        consumer.seekToEnd(fromEnd);
        for (TopicPartition tp : fromEnd) {
            consumer.position(tp); // resolve now: statuses from here on are this run's
        }
        thread = new Thread(this::run, "exoclone-pipeline-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    private List<TopicPartition> partitions(String topic) {
        List<TopicPartition> out = new ArrayList<>();
        for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(60))) {
            out.add(new TopicPartition(topic, info.partition()));
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("Topic " + topic + " has no partitions");
        }
        return out;
    }

    private void run() {
        try {
            while (!closing) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    handle(r);
                }
                flushUnmatched(false);
            }
        } catch (WakeupException e) {
            // closing
        } catch (Throwable t) {
            failure = t;
            onProblem.accept("The status watcher stopped: " + t.getMessage());
        } finally {
            flushUnmatched(true);
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void handle(ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null) {
            return;
        }
        try {
            if (r.topic().equals(publishedTopic)) {
                ExoclonePublished p = codec.decode(r.value(), ExoclonePublished.class);
                published.put(p.getExocloneId(), p);
                Waiting w = unmatched.remove(p.getExocloneId());
                if (w != null) {
                    report(w.status);
                }
            } else {
                ReplicaStatus s = codec.decode(r.value(), ReplicaStatus.class);
                if (s.getSite().equals(site)) {
                    onStatus(s);
                }
            }
        } catch (RuntimeException undecodable) {
            // Not ours to judge: the jobs count and report undecodable records.
        }
    }

    private void onStatus(ReplicaStatus s) {
        ReplicaState state = s.getStatus();
        if (state == ReplicaState.APPLIED) {
            if (published.containsKey(s.getAppliedId())) {
                report(s);
            } else {
                unmatched.put(s.getAppliedId(), new Waiting(s, System.currentTimeMillis()));
            }
        } else if (state == ReplicaState.ROOT_MISMATCH || state == ReplicaState.FAILED) {
            problems.incrementAndGet();
            onProblem.accept(
                    state
                            + " "
                            + s.getAppliedId()
                            + " volume="
                            + s.getVolumeName()
                            + ": "
                            + s.getMessage());
        }
    }

    private void flushUnmatched(boolean all) {
        long now = System.currentTimeMillis();
        for (var it = unmatched.values().iterator(); it.hasNext(); ) {
            Waiting w = it.next();
            if (all || now - w.since > UNMATCHED_GRACE_MILLIS) {
                it.remove();
                report(w.status);
            }
        }
    }

    private void report(ReplicaStatus s) {
        ExoclonePublished p = published.get(s.getAppliedId());
        UUID id = UUID.fromString(s.getAppliedId());
        boolean already = s.getImportedBytes() == 0 && "Already present".equals(s.getMessage());
        Replicated r =
                new Replicated(
                        id,
                        s.getVolumeName(),
                        p == null ? -1 : p.getFileBytes(),
                        p == null ? -1 : p.getChangedBytes(),
                        p == null ? -1 : p.getDedupBytes(),
                        s.getLagMillis(),
                        hex(s.getRootHash()),
                        already);
        applied.add(id);
        onReplicated.accept(r);
    }

    private static String hex(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] bytes = new byte[d.remaining()];
        d.get(bytes);
        return Hex.encode(bytes);
    }

    /** Every exo-clone reported applied since the watcher started. */
    Set<UUID> applied() {
        return applied;
    }

    /** Whether all of {@code ids} were applied. */
    boolean appliedAll(Collection<UUID> ids) {
        return applied.containsAll(ids);
    }

    /** FAILED and ROOT_MISMATCH statuses seen. */
    long problems() {
        return problems.get();
    }

    Throwable failure() {
        return failure;
    }

    @Override
    public void close() throws InterruptedException {
        closing = true;
        consumer.wakeup();
        thread.join(10_000);
    }
}

package io.exoclone.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.exoclone.connectors.feed.ChangeFeed;
import io.exoclone.connectors.feed.ChangeFeedConfig;
import io.exoclone.engine.Pool;
import io.exoclone.engine.Snapshot;
import io.exoclone.engine.Volume;
import io.exoclone.jobs.pipeline.ChildCli;
import io.exoclone.jobs.replicate.ReplicateJob;
import io.exoclone.schemas.EventCodec;
import io.exoclone.schemas.ExoclonePublished;
import io.exoclone.schemas.ReplicaState;
import io.exoclone.schemas.ReplicaStatus;
import io.exoclone.server.CliProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline across real processes: the {@code deploy/local} cluster (a Kafka KRaft broker,
 * a Flink JobManager and a TaskManager, each its own JVM), AssembleJob and ReplicateJob submitted
 * from the shaded job jar with {@code submit.sh}, the change feed of pool A in this JVM while a
 * workload snapshots two volumes that share data, and replica pool B written by the TaskManager.
 * Mid-stream the TaskManager is killed (SIGKILL) and started again, then the broker is restarted.
 *
 * <p>In the end every source snapshot must be in pool B with the source's root hash, parent and
 * bytes (nothing lost), and nothing may be duplicated: exactly one file and one committed {@code
 * exoclone.published} record per snapshot, and at most one real import per snapshot. Re-importing a
 * UUID is a no-op by design (ReplicateJob replays records after a restore and reports them {@code
 * APPLIED} with message "Already present"), so those statuses are allowed; a second <em>real</em>
 * import, a second file or a second published record is not. Pool B's consistency check must pass
 * (a half-done or doubled import would leave references behind).
 *
 * <p>Needs the job jar ({@code mvn verify} builds it in the package phase, before failsafe). The
 * jobs restart with a bounded fixed-delay strategy, so a job that cannot recover fails the test
 * instead of looping.
 */
@Timeout(value = 12, unit = TimeUnit.MINUTES)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalPipelineITCase {
    private static final String NODE_CHANGES = ChangeFeedConfig.DEFAULT_TOPIC;
    private static final String PUBLISHED = ReplicateJob.PUBLISHED_TOPIC;
    private static final String STATUS = ReplicateJob.STATUS_TOPIC;
    private static final String DEAD_LETTER = "exoclone.dead-letter";

    /** Recover from a crash, but give up after ten failures in a row: never loop forever. */
    private static final List<String> RESTART_STRATEGY =
            List.of(
                    "-D",
                    "restart-strategy.type=fixed-delay",
                    "-D",
                    "restart-strategy.fixed-delay.attempts=10",
                    "-D",
                    "restart-strategy.fixed-delay.delay=2 s");

    private static final Duration STEP_TIMEOUT = Duration.ofMinutes(3);

    /**
     * ReplicateJob's checkpoint interval: a few seconds, so that the crash usually falls several
     * imports after its last checkpoint. Those imports are delivered again after the restore and
     * must be no-ops ("Already present"): that is what makes the "imported once" check meaningful.
     * (AssembleJob checkpoints every second.)
     */
    private static final Duration REPLICATE_CHECKPOINT = Duration.ofSeconds(5);

    @TempDir static Path dir;

    private LocalScripts cluster;
    private Pool source;
    private ChangeFeed feed;
    private SharedDataWorkload workload;
    private StatusReader statuses;
    private final Map<String, String> jobs = new TreeMap<>();

    /** One cluster for both tests. */
    @BeforeAll
    void startCluster() {
        cluster = new LocalScripts(dir.resolve("cluster"));
        LocalScripts.Result r = cluster.run("start.sh");
        if (r.exit() != 0) {
            cluster.dumpLogs(100);
            cluster.run("stop.sh");
            throw new AssertionError("start.sh exited " + r.exit() + ":\n" + r.output());
        }
    }

    @AfterEach
    void stopTestThreads() {
        quietly(() -> workload.stop(), workload);
        quietly(() -> feed.close(), feed);
        quietly(() -> source.close(), source);
        quietly(() -> statuses.close(), statuses);
        workload = null;
        feed = null;
        source = null;
        statuses = null;
    }

    @AfterAll
    void stopCluster() {
        // Whatever happened, leave no process behind.
        if (cluster != null) {
            cluster.run("stop.sh");
        }
    }

    private static void quietly(Runnable close, Object what) {
        if (what != null) {
            try {
                close.run();
            } catch (RuntimeException | AssertionError e) {
                System.out.println("While cleaning up: " + e);
            }
        }
    }

    @Test
    @Order(1)
    void everySnapshotArrivesOnceThroughATaskManagerCrashAndABrokerRestart() throws Throwable {
        try {
            scenario();
        } catch (Throwable t) {
            diagnostics(t);
            throw t;
        }
    }

    private void scenario() throws Exception {
        long t0 = System.nanoTime();
        String bootstrap = cluster.ports().get("KAFKA_BOOTSTRAP");
        createTopics(bootstrap);
        Path files = Files.createDirectories(dir.resolve("files"));
        Path replica = dir.resolve("site-b");
        Pool.create(replica).close();

        jobs.put(
                "assemble",
                submit(
                        "assemble",
                        "--bootstrap",
                        bootstrap,
                        "--to",
                        files.toUri().toString(),
                        "--parallelism",
                        "1",
                        "--checkpoint-interval",
                        "1000"));
        jobs.put(
                "replicate",
                submit(
                        "replicate",
                        "--bootstrap",
                        bootstrap,
                        "--pool",
                        replica.toString(),
                        "--site",
                        "b",
                        "--checkpoint-interval",
                        Long.toString(REPLICATE_CHECKPOINT.toMillis())));
        await("both jobs running", this::allJobsRunning);
        log("cluster up, jobs running after %d s", seconds(t0));

        source = Pool.create(dir.resolve("site-a"));
        statuses = new StatusReader(bootstrap);
        feed =
                ChangeFeed.start(
                        source,
                        ChangeFeedConfig.builder()
                                .bootstrapServers(bootstrap)
                                .topicPartitions(2)
                                .retryBackoff(Duration.ofMillis(200), Duration.ofSeconds(2))
                                .build());
        workload = new SharedDataWorkload(source, 7, Duration.ofMillis(1000));
        workload.start();

        // 1. The pipeline flows, and AssembleJob has a checkpoint to go back to.
        await(
                "4 snapshots replicated and a checkpoint of AssembleJob",
                () ->
                        statuses.appliedIds().size() >= 4
                                && completedCheckpoints(jobs.get("assemble")) >= 1);
        log("%d snapshots taken, %s replicated", workload.count(), statuses.appliedIds().size());

        // 2. A crash of the TaskManager in the middle of the stream; snapshots keep coming.
        cluster.runOk("taskmanager.sh", "kill");
        long killed = System.currentTimeMillis();
        // What ReplicateJob imported after its last completed checkpoint (all of it, if it had
        // none) is read again after the restore.
        long replicateCheckpointAcked = lastCheckpointAcked(jobs.get("replicate"));
        int atKill = workload.count();
        Thread.sleep(3000);
        cluster.runOk("taskmanager.sh", "start");
        await(
                "both jobs restarted after the TaskManager crash and running",
                () ->
                        restarts(jobs.get("assemble")) >= 1
                                && restarts(jobs.get("replicate")) >= 1
                                && allJobsRunning());
        int afterTaskManager = workload.count();
        await(
                "a snapshot taken after the TaskManager restart replicated",
                () -> replicatedFrom(afterTaskManager));
        log(
                "TaskManager killed at snapshot %d, back at %d; %d replicated",
                atKill, afterTaskManager, statuses.appliedIds().size());

        // 3. The broker goes down and comes back on the same port with its data.
        cluster.runOk("kafka.sh", "restart");
        int afterBroker = workload.count();
        await(
                "a snapshot taken after the broker restart replicated",
                () -> replicatedFrom(afterBroker));
        log("broker restarted at snapshot %d", afterBroker);

        // 4. The stream ends; everything arrives.
        workload.stop();
        List<UUID> ids = workload.snapshots();
        feed.awaitCaughtUp(STEP_TIMEOUT);
        List<String> idStrings = ids.stream().map(UUID::toString).toList();
        await("every snapshot replicated", () -> statuses.appliedIds().containsAll(idStrings));
        log("%d snapshots replicated after %d s", ids.size(), seconds(t0));

        assertPublishedOnce(bootstrap, ids);
        assertOneFileEach(files, ids);
        assertImportedOnce(ids, replicateCheckpointAcked, killed);
        for (String job : jobs.values()) {
            cluster.cancel(job);
        }
        await("jobs cancelled (pool B closed)", this::allJobsCancelled);
        assertReplicaEqualsSource(replica, ids);
        log(
                "done in %d s; restarts: assemble %d, replicate %d",
                seconds(t0), restarts(jobs.get("assemble")), restarts(jobs.get("replicate")));
    }

    /**
     * The contract command {@code ./exoclone replicate --bootstrap --flink --storage} as a child
     * process against the same cluster: the job jar is uploaded to the JobManager and loaded
     * child-first by the TaskManager. Two snapshots are a backlog, a third is taken by {@code
     * --volume}; SIGINT must stop it with exit 0 after every one is in pool B, and a second run
     * after more writes must resume from the savepoints on the cluster and replicate only the new
     * snapshot. Runs after the crash test (whose jobs it cancels if that one failed) on fresh
     * topics, so that nothing of the crash test is replicated again.
     */
    @Test
    @Order(2)
    void replicateCommandOnTheClusterStopsOnSigintWithNothingLost() throws Throwable {
        try {
            replicateCommandScenario();
        } catch (Throwable t) {
            diagnostics(t);
            throw t;
        }
    }

    private void replicateCommandScenario() throws Exception {
        long t0 = System.nanoTime();
        jobs.clear();
        cancelRunningJobs();
        String bootstrap = cluster.ports().get("KAFKA_BOOTSTRAP");
        deleteTopics(bootstrap);
        Path a = dir.resolve("cli-a");
        Path b = dir.resolve("cli-b");
        List<String> command =
                List.of(
                        "replicate",
                        "--from",
                        a.toString(),
                        "--to",
                        b.toString(),
                        "--volume",
                        "v",
                        "--every",
                        "2s",
                        "--bootstrap",
                        bootstrap,
                        "--flink",
                        cluster.ports().get("FLINK_REST"),
                        "--storage",
                        dir.resolve("cli-files").toUri().toString(),
                        "--work",
                        dir.resolve("cli-work").toString());
        Random random = new Random(42);
        byte[] first = new byte[1 << 20];
        random.nextBytes(first);
        try (Pool p = Pool.create(a)) {
            Volume v = p.createVolume("v", 16 << 20);
            v.write(0, first);
            p.snapshot("v", null);
            v.write(4 << 20, java.util.Arrays.copyOf(first, 512 << 10)); // dedup finds it
            p.snapshot("v", null);
            v.write(8 << 20, randomBytes(random, 256 << 10)); // --volume snapshots it
        }

        // 1. Backlog plus one snapshot of its own, all replicated, then Ctrl-C.
        runReplicateCommand(command, 3, false, "Stopped: 3 snapshot(s) published, 3 replicated");
        assertCliReplicaEqualsSource(a, b, 3);
        log("replicate --flink: 3 snapshots, SIGINT, exit 0 after %d s", seconds(t0));

        // 2. More data; the same command resumes from its savepoints and replicates only the new
        // snapshot. Ctrl-C comes right after it is taken: the stop must still deliver it.
        try (Pool p = Pool.open(a)) {
            p.volume("v").write(12 << 20, randomBytes(random, 128 << 10));
        }
        CliProcess second =
                runReplicateCommand(
                        command, 1, true, "Stopped: 1 snapshot(s) published, 1 replicated");
        assertThat(second.stderr())
                .contains("AssembleJob resumes from", "ReplicateJob resumes from");
        assertCliReplicaEqualsSource(a, b, 4);
        log("replicate --flink: resumed, 4 snapshots in pool B after %d s", seconds(t0));
    }

    /**
     * Runs the command, then SIGINT: once {@code lines} snapshots are reported replicated, or with
     * {@code early} as soon as it took a snapshot of its own. It must exit 0 with {@code lines}
     * snapshots replicated, {@code summary} in its last words and its jobs stopped on the cluster.
     */
    private CliProcess runReplicateCommand(
            List<String> command, int lines, boolean early, String summary) throws Exception {
        try (CliProcess run = ChildCli.launcher(cluster.root(), command.toArray(new String[0]))) {
            if (early) {
                run.awaitErr(l -> l.startsWith("Snapshot "), 1, STEP_TIMEOUT);
            } else {
                run.awaitOut(l -> l.startsWith("replicated "), lines, STEP_TIMEOUT);
            }
            assertThat(run.stderr()).contains("Jobs running: ");
            run.interrupt();
            int exit = run.waitFor(STEP_TIMEOUT);
            assertThat(exit).as("exit code after SIGINT\n%s", run).isZero();
            assertThat(run.ownStderr())
                    .as("%s", run)
                    .contains(summary)
                    .doesNotContain("not yet", "failed");
            assertThat(run.out("replicated ")).as("no snapshot twice").hasSize(lines);
            assertThat(cluster.rest("jobs/overview").findValuesAsText("state"))
                    .as("jobs on the cluster after the stop")
                    .doesNotContain("RUNNING", "CREATED", "RESTARTING", "CANCELLING");
            return run;
        }
    }

    /** Pool B holds every snapshot of pool A with its root hash and bytes, and checks clean. */
    private static void assertCliReplicaEqualsSource(Path a, Path b, int count) {
        try (Pool src = Pool.open(a);
                Pool replica = Pool.open(b)) {
            assertThat(src.snapshots()).hasSize(count);
            assertThat(replica.snapshots())
                    .extracting(Snapshot::id)
                    .containsExactlyInAnyOrderElementsOf(
                            src.snapshots().stream().map(Snapshot::id).toList());
            for (Snapshot want : src.snapshots()) {
                Snapshot got = replica.findSnapshot(want.id()).orElseThrow();
                assertThat(got.rootHashHex())
                        .as("root of %s", want.id())
                        .isEqualTo(want.rootHashHex());
                assertThat(got.parentId()).as("parent of %s", want.id()).isEqualTo(want.parentId());
                assertThat(replica.read(want.id(), 0, (int) want.size()))
                        .as("bytes of %s", want.id())
                        .isEqualTo(src.read(want.id(), 0, (int) want.size()));
            }
            assertThat(replica.check().problems()).as("pool B check").isEmpty();
        }
    }

    private static byte[] randomBytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** Cancels whatever still runs on the cluster (the crash test's jobs, had it failed). */
    private void cancelRunningJobs() throws Exception {
        for (JsonNode j : cluster.rest("jobs/overview").path("jobs")) {
            String state = j.path("state").asText();
            if (!Set.of("FINISHED", "CANCELED", "FAILED").contains(state)) {
                cluster.cancel(j.path("jid").asText());
            }
        }
        await(
                "no job running",
                () ->
                        !cluster.rest("jobs/overview").findValuesAsText("state").stream()
                                .anyMatch(
                                        st ->
                                                !Set.of("FINISHED", "CANCELED", "FAILED")
                                                        .contains(st)));
    }

    /** Deletes the pipeline's topics, so that the next pipeline starts on empty ones. */
    private void deleteTopics(String bootstrap) throws Exception {
        List<String> names = List.of(NODE_CHANGES, PUBLISHED, STATUS, DEAD_LETTER);
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Set<String> present = admin.listTopics().names().get(60, TimeUnit.SECONDS);
            List<String> delete = names.stream().filter(present::contains).toList();
            admin.deleteTopics(delete).all().get(60, TimeUnit.SECONDS);
            await(
                    "topics deleted",
                    () ->
                            admin.listTopics().names().get(60, TimeUnit.SECONDS).stream()
                                    .noneMatch(names::contains));
        }
    }

    // --- checks --------------------------------------------------------------------------------

    /** Exactly one committed exoclone.published record per snapshot, and no other. */
    private static void assertPublishedOnce(String bootstrap, List<UUID> ids) {
        List<ExoclonePublished> published = readPublished(bootstrap, ids.size());
        assertThat(published)
                .extracting(ExoclonePublished::getExocloneId)
                .as("committed %s records: one per snapshot", PUBLISHED)
                .containsExactlyInAnyOrderElementsOf(ids.stream().map(UUID::toString).toList());
    }

    /** One final file per snapshot ({@code <volume id>/<uuid>.exo}), no in-progress leftover. */
    private static void assertOneFileEach(Path files, List<UUID> ids) throws IOException {
        List<String> names;
        try (Stream<Path> walk = Files.walk(files)) {
            names = walk.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).toList();
        }
        assertThat(names)
                .as("files under %s", files)
                .containsExactlyInAnyOrderElementsOf(ids.stream().map(id -> id + ".exo").toList());
    }

    /**
     * Statuses: no failure, no root mismatch, at most one real import per UUID (a replay after a
     * restore is "Already present"), and the replica's root equals the published one. Every import
     * between ReplicateJob's last checkpoint ({@code acked}) and the crash ({@code killed}) was
     * delivered again after the restore and must have been a no-op.
     */
    private void assertImportedOnce(List<UUID> ids, long acked, long killed) {
        List<ReplicaStatus> all = statuses.all();
        Map<String, Integer> realImports = new HashMap<>();
        for (ReplicaStatus s : all) {
            assertThat(s.getStatus())
                    .as("status of %s: %s", s.getAppliedId(), s.getMessage())
                    .isIn(ReplicaState.APPLIED, ReplicaState.WAITING_FOR_PARENT);
            if (s.getStatus() == ReplicaState.APPLIED) {
                assertThat(s.getRootHash())
                        .as("replica root of %s", s.getAppliedId())
                        .isEqualTo(s.getExpectedRootHash());
                if (s.getMessage() == null) {
                    realImports.merge(s.getAppliedId(), 1, Integer::sum);
                }
            }
        }
        assertThat(realImports.entrySet())
                .as("UUIDs imported more than once")
                .filteredOn(e -> e.getValue() > 1)
                .isEmpty();
        long replays =
                all.stream()
                        .filter(
                                s ->
                                        s.getStatus() == ReplicaState.APPLIED
                                                && s.getMessage() != null)
                        .count();
        log(
                "%d statuses: %d real imports of %d snapshots, %d replays (already present)",
                all.size(), realImports.size(), ids.size(), replays);
        Set<String> replayed =
                all.stream()
                        .filter(
                                s ->
                                        s.getStatus() == ReplicaState.APPLIED
                                                && s.getMessage() == null
                                                && s.getTimestampMillis() > acked
                                                && s.getTimestampMillis() < killed)
                        .map(ReplicaStatus::getAppliedId)
                        .collect(Collectors.toSet());
        log(
                "%d imported after ReplicateJob's last checkpoint before the crash, so delivered"
                        + " again",
                replayed.size());
        Set<String> alreadyPresent =
                all.stream()
                        .filter(
                                s ->
                                        s.getStatus() == ReplicaState.APPLIED
                                                && "Already present".equals(s.getMessage()))
                        .map(ReplicaStatus::getAppliedId)
                        .collect(Collectors.toSet());
        assertThat(alreadyPresent)
                .as("exo-clones imported before the crash and delivered again after it")
                .containsAll(replayed);
    }

    /** Pool B, opened once the job let go of it, holds exactly the source's snapshots. */
    private void assertReplicaEqualsSource(Path replica, List<UUID> ids) {
        try (Pool b = Pool.open(replica)) {
            assertThat(b.snapshots())
                    .extracting(Snapshot::id)
                    .as("snapshots in pool B")
                    .containsExactlyInAnyOrderElementsOf(ids);
            for (UUID id : ids) {
                Snapshot want = source.findSnapshot(id).orElseThrow();
                Snapshot got = b.findSnapshot(id).orElseThrow();
                assertThat(got.rootHashHex())
                        .as("root hash of %s", id)
                        .isEqualTo(want.rootHashHex());
                assertThat(got.parentId()).as("parent of %s", id).isEqualTo(want.parentId());
                assertThat(got.size()).isEqualTo(want.size());
                assertThat(b.read(id, 0, (int) got.size()))
                        .as("bytes of %s", id)
                        .isEqualTo(source.read(id, 0, (int) want.size()));
            }
            assertThat(b.check().problems()).as("pool B check").isEmpty();
        }
    }

    // --- cluster -------------------------------------------------------------------------------

    private String submit(String job, String... args) {
        List<String> command = new ArrayList<>(RESTART_STRATEGY);
        command.add(job);
        command.addAll(List.of(args));
        LocalScripts.Result r = cluster.run("submit.sh", command.toArray(new String[0]));
        assertThat(r.exit())
                .as(
                        "submit.sh %s (exit 3: the job jar flink-jobs/target/job/*-job.jar is not"
                                + " built; mvn verify builds it before the integration tests)",
                        job)
                .isZero();
        String[] lines = r.output().strip().split("\n");
        String id = lines[lines.length - 1].strip();
        assertThat(id).as("JobID printed by submit.sh").matches("[0-9a-f]{32}");
        return id;
    }

    private boolean allJobsRunning() throws Exception {
        for (String id : jobs.values()) {
            JsonNode job = cluster.rest("jobs/" + id);
            if (!"RUNNING".equals(job.path("state").asText())) {
                return false;
            }
            for (JsonNode v : job.path("vertices")) {
                if (!"RUNNING".equals(v.path("status").asText())) {
                    return false;
                }
            }
        }
        return true;
    }

    private boolean allJobsCancelled() throws Exception {
        for (String id : jobs.values()) {
            if (!"CANCELED".equals(cluster.rest("jobs/" + id).path("state").asText())) {
                return false;
            }
        }
        return true;
    }

    private long restarts(String id) throws Exception {
        for (JsonNode m : cluster.rest("jobs/" + id + "/metrics?get=numRestarts")) {
            return Long.parseLong(m.path("value").asText("0"));
        }
        return 0;
    }

    /** When the job's last completed checkpoint was acknowledged (epoch ms), 0 if none. */
    private long lastCheckpointAcked(String id) throws Exception {
        JsonNode completed = cluster.rest("jobs/" + id + "/checkpoints").path("latest");
        return completed.path("completed").path("latest_ack_timestamp").asLong(0);
    }

    private long completedCheckpoints(String id) throws Exception {
        return cluster.rest("jobs/" + id + "/checkpoints")
                .path("counts")
                .path("completed")
                .asLong();
    }

    /** Whether some snapshot taken at or after the {@code n}th is replicated. */
    private boolean replicatedFrom(int n) {
        List<UUID> taken = workload.snapshots();
        Set<String> applied = statuses.appliedIds();
        return taken.subList(Math.min(n, taken.size()), taken.size()).stream()
                .anyMatch(id -> applied.contains(id.toString()));
    }

    private static void createTopics(String bootstrap) throws Exception {
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            for (NewTopic t :
                    List.of(
                            new NewTopic(NODE_CHANGES, 2, (short) 1),
                            new NewTopic(PUBLISHED, 1, (short) 1),
                            new NewTopic(STATUS, 1, (short) 1),
                            new NewTopic(DEAD_LETTER, 1, (short) 1))) {
                try {
                    admin.createTopics(List.of(t)).all().get(60, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        }
    }

    // --- waiting and reporting -----------------------------------------------------------------

    private interface Condition {
        boolean holds() throws Exception;
    }

    /** Waits up to {@link #STEP_TIMEOUT} for the condition, reading statuses meanwhile. */
    private void await(String what, Condition condition) throws Exception {
        long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            if (statuses != null) {
                statuses.poll();
            }
            try {
                if (condition.holds()) {
                    return;
                }
                last = null;
            } catch (IOException e) {
                last = e; // the REST API may not answer for a moment
            }
            Thread.sleep(500);
        }
        throw new AssertionError(
                "Timed out after " + STEP_TIMEOUT.toSeconds() + " s waiting for: " + what, last);
    }

    private void diagnostics(Throwable failure) {
        System.out.println("===== LocalPipelineITCase failed; what the cluster looked like =====");
        failure.printStackTrace(System.out);
        if (workload != null) {
            System.out.println("snapshots taken: " + workload.count());
        }
        if (statuses != null) {
            try {
                statuses.poll();
                Map<ReplicaState, Long> byState =
                        statuses.all().stream()
                                .collect(
                                        Collectors.groupingBy(
                                                ReplicaStatus::getStatus, Collectors.counting()));
                System.out.println(
                        "statuses: " + byState + ", applied ids: " + statuses.appliedIds().size());
            } catch (RuntimeException e) {
                System.out.println("statuses unreadable: " + e);
            }
        }
        for (Map.Entry<String, String> job : jobs.entrySet()) {
            try {
                JsonNode j = cluster.rest("jobs/" + job.getValue());
                System.out.printf(
                        "job %s %s: %s, restarts %d, checkpoints %s%n",
                        job.getKey(),
                        job.getValue(),
                        j.path("state").asText(),
                        restarts(job.getValue()),
                        cluster.rest("jobs/" + job.getValue() + "/checkpoints").path("counts"));
                JsonNode ex = cluster.rest("jobs/" + job.getValue() + "/exceptions");
                for (JsonNode e : ex.path("exceptionHistory").path("entries")) {
                    String trace = e.path("stacktrace").asText();
                    System.out.println(
                            "  exception: " + trace.substring(0, Math.min(2000, trace.length())));
                }
            } catch (Exception e) {
                System.out.println("job " + job.getKey() + ": REST API did not answer: " + e);
            }
        }
        cluster.dumpLogs(300);
    }

    private static long seconds(long startNanos) {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos);
    }

    private static void log(String format, Object... args) {
        System.out.printf("[LocalPipelineITCase] " + format + "%n", args);
    }

    // --- Kafka readers -------------------------------------------------------------------------

    private static Properties consumerProperties(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "check-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return p;
    }

    /** Every committed published record, read until {@code expected} and then 3 s more. */
    private static List<ExoclonePublished> readPublished(String bootstrap, int expected) {
        EventCodec codec = new EventCodec();
        List<ExoclonePublished> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(
                        consumerProperties(bootstrap),
                        new ByteArrayDeserializer(),
                        new ByteArrayDeserializer())) {
            c.subscribe(List.of(PUBLISHED));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    out.add(codec.decode(r.value(), ExoclonePublished.class));
                }
            }
            long settle = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < settle) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    out.add(codec.decode(r.value(), ExoclonePublished.class));
                }
            }
        }
        return out;
    }

    /** Reads exoclone.replica-status from the beginning as the test goes. */
    private static final class StatusReader implements AutoCloseable {
        private final EventCodec codec = new EventCodec();
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final List<ReplicaStatus> all = new ArrayList<>();

        StatusReader(String bootstrap) {
            consumer =
                    new KafkaConsumer<>(
                            consumerProperties(bootstrap),
                            new ByteArrayDeserializer(),
                            new ByteArrayDeserializer());
            consumer.subscribe(List.of(STATUS));
        }

        void poll() {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                all.add(codec.decode(r.value(), ReplicaStatus.class));
            }
        }

        List<ReplicaStatus> all() {
            return List.copyOf(all);
        }

        Set<String> appliedIds() {
            return all.stream()
                    .filter(s -> s.getStatus() == ReplicaState.APPLIED)
                    .map(ReplicaStatus::getAppliedId)
                    .collect(Collectors.toSet());
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}

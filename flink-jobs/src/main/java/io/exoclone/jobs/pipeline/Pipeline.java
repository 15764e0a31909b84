package io.exoclone.jobs.pipeline;

import io.exoclone.connectors.KafkaCheck;
import io.exoclone.engine.Pool;
import io.exoclone.engine.Snapshot;
import io.exoclone.jobs.AssembleJob;
import io.exoclone.jobs.AssembleOptions;
import io.exoclone.jobs.FlinkRest;
import io.exoclone.jobs.JobJar;
import io.exoclone.jobs.assemble.DedupIndexUpgrade;
import io.exoclone.jobs.replicate.ReplicateJob;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The whole replication pipeline from one pool to another: the change feed of the source pool,
 * {@link AssembleJob} and {@link ReplicateJob}, on the services named by {@link PipelineSettings}.
 * Services that are not named are started in this JVM first (a Kafka broker, a Flink cluster with
 * its dashboard, both on 127.0.0.1); from then on the code path is the same as with external
 * services: topics are created if missing, the jobs are submitted to a Flink REST endpoint, and the
 * pipeline follows {@code exoclone.replica-status}.
 *
 * <p>{@link #stop()} loses nothing: it lets the feed publish every snapshot already taken, waits
 * until the replica site applied them, then stops both jobs with a savepoint, from which the next
 * run resumes (or, after a crash, from the newest retained checkpoint).
 */
public final class Pipeline implements AutoCloseable {
    private static final int EMBEDDED_SLOTS = 4;
    private static final Duration JOB_STOP_TIMEOUT = Duration.ofMinutes(2);

    /** What a stop did. */
    public record StopReport(
            long published,
            long replicated,
            List<UUID> notReplicated,
            long problems,
            List<String> savepoints) {
        public boolean clean() {
            return notReplicated.isEmpty() && problems == 0;
        }
    }

    private final FeedSource source;
    private final PipelineSettings settings;
    private final Consumer<String> out;
    private final Consumer<String> err;
    private final Set<UUID> replicaAtStart;
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong replicated = new AtomicLong();
    private final AtomicLong shippedBytes = new AtomicLong();
    private final AtomicLong changedBytes = new AtomicLong();
    private LocalKafka kafka;
    private LocalFlink flink;
    private String jobJar;
    private String bootstrap;
    private URI dashboard;
    private JobClient assemble;
    private JobClient replicate;
    private RestorePoints assemblePoints;
    private RestorePoints replicatePoints;
    private StatusWatcher watcher;
    private boolean stopped;
    private volatile boolean hurry;

    private Pipeline(
            FeedSource source,
            PipelineSettings settings,
            Set<UUID> replicaAtStart,
            Consumer<String> out,
            Consumer<String> err) {
        this.source = source;
        this.settings = settings;
        this.replicaAtStart = replicaAtStart;
        this.out = out;
        this.err = err;
    }

    /**
     * Starts the pipeline from {@code source} (kept open by the caller, who may write and snapshot
     * it meanwhile) to the replica pool of {@code settings}, created if it does not exist.
     *
     * @param out receives one line per replicated snapshot
     * @param err receives progress and warnings
     */
    public static Pipeline start(
            Pool source, PipelineSettings settings, Consumer<String> out, Consumer<String> err)
            throws Exception {
        return start(FeedSource.of(source), settings, out, err);
    }

    /**
     * Starts the pipeline with its change feed (and scheduled snapshots) on {@code source}: a pool
     * this process holds, or the {@code exoclone serve} that holds it.
     */
    public static Pipeline start(
            FeedSource source,
            PipelineSettings settings,
            Consumer<String> out,
            Consumer<String> err)
            throws Exception {
        String jobJar = null;
        if (settings.flink() != null) {
            // Before anything is started or created: a cluster that does not answer or a
            // missing job jar fails at once, with one line.
            FlinkRest.parse(settings.flink()).check();
            jobJar = JobJar.find(settings.jobJar());
        }
        if (settings.bootstrap() != null) {
            KafkaCheck.check(settings.bootstrap(), KafkaCheck.TIMEOUT);
        }
        Set<UUID> present = replicaSnapshots(settings.replicaPool(), err);
        Pipeline p = new Pipeline(source, settings, present, out, err);
        p.jobJar = jobJar;
        try {
            p.startAll();
            return p;
        } catch (Exception | Error e) {
            p.abort();
            throw e;
        }
    }

    /** Snapshot ids in the replica pool now; creates the pool if the directory is new or empty. */
    private static Set<UUID> replicaSnapshots(Path dir, Consumer<String> err) throws Exception {
        boolean fresh = !Files.exists(dir);
        if (!fresh && Files.isDirectory(dir)) {
            try (var entries = Files.list(dir)) {
                fresh = entries.findAny().isEmpty();
            }
        }
        try (Pool replica = fresh ? Pool.create(dir) : Pool.open(dir)) {
            if (fresh) {
                err.accept("Created replica pool " + dir);
            }
            Set<UUID> ids = new HashSet<>();
            for (Snapshot s : replica.snapshots()) {
                ids.add(s.id());
            }
            return ids;
        }
    }

    private void startAll() throws Exception {
        Files.createDirectories(settings.work());
        bootstrap =
                settings.externalBootstrap()
                        .orElseGet(
                                () -> {
                                    err.accept("Starting Kafka (KRaft) on 127.0.0.1 ...");
                                    kafka = LocalKafka.start(settings.work().resolve("kafka"));
                                    return kafka.bootstrapServers();
                                });
        Topics.ensure(bootstrap);
        String rest;
        if (settings.flink() == null) {
            err.accept("Starting Flink on 127.0.0.1 ...");
            flink =
                    LocalFlink.start(
                            EMBEDDED_SLOTS,
                            settings.work().resolve("flink-tmp"),
                            Configuration.fromMap(settings.flinkSettings()));
            if (flink.preferredPortBusy()) {
                err.accept(
                        "Port "
                                + LocalFlink.DASHBOARD_PORT
                                + " on 127.0.0.1 is in use; the Flink dashboard uses port "
                                + flink.restAddress().getPort()
                                + " instead.");
            }
            dashboard = flink.restAddress();
            rest = flink.hostPort();
        } else {
            rest = settings.flink();
            dashboard = FlinkRest.parse(rest).uri();
        }
        out.accept("Flink dashboard: " + dashboard);

        URI base = settings.checkpointBase();
        assemblePoints = new RestorePoints(child(base, "assemble"), stateDir("assemble"));
        replicatePoints = new RestorePoints(child(base, "replicate"), stateDir("replicate"));

        // Before the jobs: every status ReplicateJob writes from now on is this run's.
        watcher =
                new StatusWatcher(
                        bootstrap,
                        ReplicateJob.PUBLISHED_TOPIC,
                        ReplicateJob.STATUS_TOPIC,
                        settings.site(),
                        r -> {
                            if (!r.alreadyPresent()) {
                                replicated.incrementAndGet();
                                shippedBytes.addAndGet(Math.max(0, r.shippedBytes()));
                                changedBytes.addAndGet(Math.max(0, r.changedBytes()));
                            }
                            out.accept(r.line());
                        },
                        problem -> err.accept("exoclone: warning: replica: " + problem));

        AssembleOptions options =
                AssembleOptions.builder()
                        .bootstrap(bootstrap)
                        .target(settings.storageUri().toString())
                        .checkpointDir(assemblePoints.checkpointDir())
                        .checkpointIntervalMs(settings.checkpointInterval().toMillis())
                        .set("group.id", "exoclone-assemble-" + settings.site())
                        .set("transactional.id.prefix", "exoclone-assemble-" + settings.site())
                        .hadoop(settings.hadoopSettings())
                        .build();
        assemble = AssembleJob.start(environment(rest, assemblePoints, ASSEMBLE), options);

        ReplicateJob job =
                ReplicateJob.builder()
                        .bootstrap(bootstrap)
                        .poolDir(settings.replicaPool().toString())
                        .site(settings.site())
                        .hadoopProperties(settings.hadoopSettings())
                        .checkpointIntervalMillis(settings.checkpointInterval().toMillis())
                        .build();
        StreamExecutionEnvironment env = environment(rest, replicatePoints, "ReplicateJob");
        job.addTo(env);
        replicate = env.executeAsync(job.jobName());
        err.accept(
                "Jobs running: "
                        + AssembleJob.JOB_NAME
                        + " ("
                        + assemble.getJobID()
                        + "), "
                        + job.jobName()
                        + " ("
                        + replicate.getJobID()
                        + ")");

        source.start(bootstrap, published::incrementAndGet, err);
        err.accept(
                "Replicating pool "
                        + source.directory()
                        + " to "
                        + settings.replicaPool()
                        + " (site "
                        + settings.site()
                        + ") through "
                        + bootstrap
                        + ", files in "
                        + settings.storageUri());
    }

    private Path stateDir(String job) {
        return settings.work().resolve("state").resolve(job);
    }

    private static URI child(URI base, String name) {
        String b = base.toString();
        return URI.create((b.endsWith("/") ? b : b + "/") + name);
    }

    /**
     * An environment that submits to the REST endpoint {@code rest}: with no jars for the cluster
     * in this JVM (it has every class), with the job jar for a remote one.
     */
    private StreamExecutionEnvironment environment(String rest, RestorePoints points, String what)
            throws Exception {
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, points.checkpointDir());
        conf.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, points.savepointDir());
        conf.set(
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        Optional<String> restore = points.latest();
        if (restore.isPresent()
                && what.equals(ASSEMBLE)
                && DedupIndexUpgrade.needed(restore.get())) {
            restore = Optional.of(upgradeDedupIndex(restore.get(), points));
        }
        if (restore.isPresent()) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, restore.get());
            err.accept(what + " resumes from " + restore.get());
        }
        conf.addAll(Configuration.fromMap(settings.flinkSettings()));
        FlinkRest endpoint = FlinkRest.parse(rest);
        String[] jars = flink != null ? new String[0] : new String[] {jobJar};
        return StreamExecutionEnvironment.createRemoteEnvironment(
                endpoint.host(), endpoint.port(), conf, jars);
    }

    private static final String ASSEMBLE = "AssembleJob";

    /**
     * A restore point of the AssembleJob from before the bucketed dedup index, written anew with
     * the index in the current layout next to the job's savepoints (README, "Upgrading
     * AssembleJob"); returns the new savepoint.
     */
    private String upgradeDedupIndex(String restore, RestorePoints points) throws Exception {
        String upgraded = points.savepointDir() + "/upgraded-" + System.currentTimeMillis();
        err.accept(
                ASSEMBLE
                        + ": "
                        + restore
                        + " holds the dedup index of an earlier version; writing it anew in the"
                        + " current layout ...");
        long carried = DedupIndexUpgrade.upgrade(restore, upgraded, "heap");
        err.accept(ASSEMBLE + ": " + carried + " content hash(es) carried over into " + upgraded);
        return upgraded;
    }

    /** The dashboard: {@code http://127.0.0.1:PORT} for the embedded cluster. */
    public URI dashboard() {
        return dashboard;
    }

    /** {@code HOST:PORT} of the Kafka broker in use. */
    public String bootstrapServers() {
        return bootstrap;
    }

    /** Snapshots published by the feed since the start. */
    public long published() {
        return published.get();
    }

    /** Snapshots the replica applied since the start (not counting ones it had already). */
    public long replicated() {
        return replicated.get();
    }

    /** Whether every snapshot the source has now is in the replica (or reported applied). */
    public boolean caughtUp() {
        return watcher.appliedAll(expected());
    }

    /** Why the pipeline cannot go on: a job ended, the feed stopped, the status watcher failed. */
    public Optional<String> failure() {
        Optional<String> feedFailure = source.failure();
        if (feedFailure.isPresent()) {
            return feedFailure;
        }
        if (watcher.failure() != null) {
            return Optional.of("The status watcher stopped: " + watcher.failure().getMessage());
        }
        for (JobClient j : List.of(assemble, replicate)) {
            JobStatus s = status(j);
            if (s != null && s.isGloballyTerminalState()) {
                return Optional.of("Flink job " + j.getJobID() + " ended: " + s);
            }
        }
        return Optional.empty();
    }

    private static JobStatus status(JobClient j) {
        try {
            return j.getJobStatus().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            return null;
        }
    }

    /** Snapshots of the source that were not in the replica when the pipeline started. */
    private Set<UUID> expected() {
        Set<UUID> ids = new HashSet<>(source.snapshotIds());
        ids.removeAll(replicaAtStart);
        return ids;
    }

    /**
     * Stops without losing anything: the feed publishes every snapshot taken so far and closes; the
     * pipeline waits (up to the drain timeout) until the replica applied them all; then both jobs
     * stop with a savepoint, and the embedded services shut down. The source's scheduled snapshots
     * stop first (with a last one of each volume that changed); take no others after calling it.
     * The source pool stays open (it is the caller's).
     */
    public synchronized StopReport stop() throws Exception {
        if (stopped) {
            throw new IllegalStateException("The pipeline was stopped already");
        }
        stopped = true;
        long deadline = System.nanoTime() + settings.drainTimeout().toNanos();
        err.accept("Stopping: publishing the snapshots taken so far ...");
        source.drain(settings.drainTimeout(), err);
        Set<UUID> expected = expected();
        err.accept("Stopping: waiting until the replica has all " + expected.size() + " ...");
        for (int i = 1;
                !watcher.appliedAll(expected) && System.nanoTime() < deadline && !hurry;
                i++) {
            if (i % 10 == 0 && failure().isPresent()) {
                break;
            }
            Thread.sleep(100);
        }
        List<UUID> missing = new ArrayList<>(expected);
        missing.removeAll(watcher.applied());
        if (!missing.isEmpty()) {
            err.accept(
                    "exoclone: warning: "
                            + missing.size()
                            + " snapshot(s) not replicated yet; the next run replicates them: "
                            + missing);
        }
        err.accept("Stopping: jobs with savepoints ...");
        CompletableFuture<String> a = savepoint(assemble, assemblePoints);
        CompletableFuture<String> r = savepoint(replicate, replicatePoints);
        List<String> savepoints = new ArrayList<>();
        for (CompletableFuture<String> f : List.of(a, r)) {
            String path = f.get();
            if (path != null) {
                savepoints.add(path);
            }
        }
        shutdownServices();
        return new StopReport(
                published.get(), replicated.get(), missing, watcher.problems(), savepoints);
    }

    /** Stops a job with a savepoint and records it; cancels it when that fails. */
    private CompletableFuture<String> savepoint(JobClient job, RestorePoints points) {
        return CompletableFuture.supplyAsync(
                () -> {
                    try {
                        String path =
                                job.stopWithSavepoint(
                                                false,
                                                points.savepointDir(),
                                                SavepointFormatType.CANONICAL)
                                        .get(JOB_STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                        points.savedAt(path);
                        return path;
                    } catch (Exception e) {
                        err.accept(
                                "exoclone: warning: no savepoint for job "
                                        + job.getJobID()
                                        + " ("
                                        + rootMessage(e)
                                        + "); cancelling it, the next run resumes from its last"
                                        + " checkpoint");
                        cancelQuietly(job);
                        return null;
                    }
                });
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private static void cancelQuietly(JobClient job) {
        if (job == null) {
            return;
        }
        try {
            JobStatus s = status(job);
            if (s == null || !s.isGloballyTerminalState()) {
                job.cancel().get(60, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            // gone already
        }
    }

    private void shutdownServices() throws Exception {
        if (watcher != null) {
            watcher.close();
        }
        if (flink != null) {
            flink.close();
            flink = null;
        }
        if (kafka != null) {
            kafka.close();
            kafka = null;
        }
    }

    /** Makes a running {@link #stop()} stop waiting for the replica (a second Ctrl-C). */
    public void hurry() {
        hurry = true;
    }

    /** Total exo-clone file bytes of the snapshots replicated since the start. */
    public long shippedBytes() {
        return shippedBytes.get();
    }

    /** Total changed data bytes of the snapshots replicated since the start. */
    public long changedBytes() {
        return changedBytes.get();
    }

    /** Stops at once without draining (cancels the jobs): for errors. Idempotent. */
    private void abort() {
        try {
            source.close();
        } catch (RuntimeException e) {
            // going down anyway
        }
        cancelQuietly(assemble);
        cancelQuietly(replicate);
        try {
            shutdownServices();
        } catch (Exception e) {
            // going down anyway
        }
    }

    /** Stops without draining unless {@link #stop()} ran. */
    @Override
    public synchronized void close() {
        if (!stopped) {
            stopped = true;
            abort();
        }
    }
}

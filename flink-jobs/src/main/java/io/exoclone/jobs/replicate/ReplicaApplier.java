package io.exoclone.jobs.replicate;

import io.exoclone.engine.CommitStateUnknownException;
import io.exoclone.engine.CorruptDataException;
import io.exoclone.engine.ExocloneException;
import io.exoclone.engine.NotFoundException;
import io.exoclone.engine.Pool;
import io.exoclone.engine.Snapshot;
import io.exoclone.format.Importer;
import io.exoclone.schemas.ReplicaState;
import io.exoclone.schemas.ReplicaStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imports published exo-clones into the replica pool in lineage order, keyed by volume id.
 *
 * <p>An exo-clone is imported only when its parent and every dedup source are in the pool; until
 * then it waits in keyed state ({@code pending}, by exo-clone id) and is retried after every import
 * of its volume and on a processing-time timer (a dedup source may belong to another volume).
 * Importing an exo-clone the pool already has is a no-op, so records replayed after a restart are
 * harmless. After each attempt one {@link ReplicaStatus} goes downstream: {@code APPLIED} with the
 * replica's Merkle root, {@code WAITING_FOR_PARENT}, {@code ROOT_MISMATCH} or {@code FAILED}. A bad
 * file is reported and dropped; it never stops the job. Only a pool whose state is unknown does.
 *
 * <p>The pool is a local directory that one process owns (a lock file): run this operator with
 * parallelism 1, one replica pool per job.
 */
public final class ReplicaApplier extends KeyedProcessFunction<String, Published, StatusRecord> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaApplier.class);

    private final String site;
    private final String poolDir;
    private final String stagingDir;
    private final Map<String, String> hadoopProperties;
    private final long retryMillis;

    private transient Pool pool;
    private transient ExocloneFetcher fetcher;
    private transient MapState<String, Published> pending;
    private transient Map<String, Integer> pendingByVolume;
    private transient volatile long lastLagMillis;
    private transient Counter importedFiles;
    private transient Counter importedBytes;
    private transient Counter alreadyPresent;
    private transient Counter rootHashMismatches;
    private transient Counter failedImports;

    /**
     * @param poolDir the replica pool (must exist)
     * @param stagingDir where remote files are fetched; on the pool's file system so that import
     *     moves them into the pool without a copy; null for {@code POOL.staging} next to the pool
     * @param hadoopProperties Hadoop settings for hdfs:// and s3a:// URIs
     * @param retryMillis how often exo-clones that wait for a parent or dedup source are retried
     */
    public ReplicaApplier(
            String site,
            String poolDir,
            String stagingDir,
            Map<String, String> hadoopProperties,
            long retryMillis) {
        this.site = Objects.requireNonNull(site, "site");
        this.poolDir = Objects.requireNonNull(poolDir, "poolDir");
        this.stagingDir = stagingDir;
        this.hadoopProperties = Map.copyOf(hadoopProperties);
        if (retryMillis <= 0) {
            throw new IllegalArgumentException("Retry interval must be positive: " + retryMillis);
        }
        this.retryMillis = retryMillis;
    }

    @Override
    public void open(OpenContext openContext) {
        pending =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "pending",
                                        Types.STRING,
                                        TypeInformation.of(Published.class)));
        Path pool = Path.of(poolDir).toAbsolutePath();
        Path staging =
                stagingDir != null
                        ? Path.of(stagingDir)
                        : pool.resolveSibling(pool.getFileName() + ".staging");
        this.pool = Pool.open(pool);
        fetcher = new ExocloneFetcher(hadoopProperties, staging);
        pendingByVolume = new ConcurrentHashMap<>();
        var metrics = getRuntimeContext().getMetricGroup();
        importedFiles = metrics.counter("importedFiles");
        importedBytes = metrics.counter("importedBytes");
        alreadyPresent = metrics.counter("alreadyPresent");
        rootHashMismatches = metrics.counter("rootHashMismatches");
        failedImports = metrics.counter("failedImports");
        metrics.gauge(
                "pendingExoclones",
                () -> pendingByVolume.values().stream().mapToInt(Integer::intValue).sum());
        metrics.gauge("replicationLagMillis", () -> lastLagMillis);
    }

    @Override
    public void close() throws Exception {
        try {
            if (fetcher != null) {
                fetcher.close();
            }
        } finally {
            if (pool != null) {
                pool.close();
                pool = null;
            }
        }
    }

    @Override
    public void processElement(Published p, Context ctx, Collector<StatusRecord> out)
            throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        if (present(p.exocloneId())) {
            alreadyPresent.inc();
            out.collect(applied(p, snapshot(p.exocloneId()), 0, now, "Already present"));
        } else if (!missing(p).isEmpty()) {
            wait(p, now, out);
        } else {
            apply(p, now, out);
            drain(now, out);
        }
        afterChange(ctx, now);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<StatusRecord> out)
            throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        drain(now, out);
        afterChange(ctx, now);
    }

    /** Imports every waiting exo-clone of this volume whose sources are now present. */
    private void drain(long now, Collector<StatusRecord> out) throws Exception {
        boolean progress = true;
        while (progress) {
            progress = false;
            List<Published> waiting = new ArrayList<>();
            for (Published p : pending.values()) {
                waiting.add(p);
            }
            for (Published p : waiting) {
                if (present(p.exocloneId())) {
                    pending.remove(p.exocloneId());
                } else if (missing(p).isEmpty()) {
                    pending.remove(p.exocloneId());
                    apply(p, now, out);
                    progress = true;
                }
            }
        }
    }

    private void afterChange(Context ctx, long now) throws Exception {
        int count = 0;
        for (String ignored : pending.keys()) {
            count++;
        }
        if (count == 0) {
            pendingByVolume.remove(ctx.getCurrentKey());
        } else {
            pendingByVolume.put(ctx.getCurrentKey(), count);
            // Timers of one key and timestamp are deduplicated: at most one per interval.
            ctx.timerService().registerProcessingTimeTimer((now / retryMillis + 1) * retryMillis);
        }
    }

    private void wait(Published p, long now, Collector<StatusRecord> out) throws Exception {
        boolean known = pending.contains(p.exocloneId());
        pending.put(p.exocloneId(), p);
        if (!known) {
            out.collect(
                    status(
                            p,
                            ReplicaState.WAITING_FOR_PARENT,
                            new byte[0],
                            0,
                            now,
                            "Waiting for " + String.join(", ", missing(p))));
        }
    }

    private void apply(Published p, long now, Collector<StatusRecord> out) throws Exception {
        try (ExocloneFetcher.Fetched file = fetcher.fetch(p.uri(), p.exocloneId())) {
            // A file this job downloaded is its own: the pool takes it over (renamed in, no copy).
            // A file:// exo-clone in place belongs to the storage: reflinked or copied, never
            // shared with the pool.
            Importer.Result r =
                    Importer.importFile(
                            pool,
                            file.path(),
                            Optional.empty(),
                            file.staged() ? Importer.Mode.MOVE : Importer.Mode.ADOPT);
            byte[] root = r.snapshot().rootHash();
            if (p.rootHash().length > 0 && !Arrays.equals(root, p.rootHash())) {
                rootHashMismatches.inc();
                LOG.error(
                        "Replica of exo-clone {} has root {} but {} was published",
                        p.exocloneId(),
                        r.snapshot().rootHashHex(),
                        hex(p.rootHash()));
                out.collect(
                        status(
                                p,
                                ReplicaState.ROOT_MISMATCH,
                                root,
                                0,
                                now,
                                "Replica root differs from the published root"));
                return;
            }
            long bytes = r.adoptedBytes() + r.copiedBytes();
            if (r.alreadyPresent()) {
                alreadyPresent.inc();
            } else {
                importedFiles.inc();
                importedBytes.inc(bytes);
                lastLagMillis = Math.max(0, now - p.snapshotCreatedMillis());
            }
            out.collect(
                    applied(
                            p,
                            r.snapshot(),
                            bytes,
                            now,
                            r.alreadyPresent() ? "Already present" : null));
        } catch (CommitStateUnknownException e) {
            throw e; // the pool itself is in doubt: fail the job, never guess
        } catch (NotFoundException e) {
            // The file names a source the event did not list: wait for it like for a parent.
            pending.put(p.exocloneId(), p);
            out.collect(
                    status(p, ReplicaState.WAITING_FOR_PARENT, new byte[0], 0, now, message(e)));
        } catch (CorruptDataException e) {
            boolean root = String.valueOf(e.getMessage()).toLowerCase().contains("root");
            if (root) {
                rootHashMismatches.inc();
            }
            failedImports.inc();
            LOG.error("Cannot import exo-clone {} from {}", p.exocloneId(), p.uri(), e);
            out.collect(status(p, ReplicaState.FAILED, new byte[0], 0, now, message(e)));
        } catch (ExocloneException | IOException | UncheckedIOException e) {
            failedImports.inc();
            LOG.error("Cannot import exo-clone {} from {}", p.exocloneId(), p.uri(), e);
            out.collect(status(p, ReplicaState.FAILED, new byte[0], 0, now, message(e)));
        }
    }

    private StatusRecord applied(Published p, Snapshot s, long bytes, long now, String message) {
        return status(p, ReplicaState.APPLIED, s.rootHash(), bytes, now, message);
    }

    private StatusRecord status(
            Published p, ReplicaState state, byte[] root, long bytes, long now, String message) {
        return StatusRecord.of(
                ReplicaStatus.newBuilder()
                        .setSite(site)
                        .setVolumeId(p.volumeId())
                        .setVolumeName(p.volumeName() == null ? "" : p.volumeName())
                        .setAppliedId(p.exocloneId())
                        .setRootHash(ByteBuffer.wrap(root))
                        .setExpectedRootHash(
                                p.rootHash().length == 0 ? null : ByteBuffer.wrap(p.rootHash()))
                        .setLagMillis(Math.max(0, now - p.snapshotCreatedMillis()))
                        .setImportedBytes(bytes)
                        .setTimestampMillis(now)
                        .setStatus(state)
                        .setMessage(message)
                        .build());
    }

    /** The parent and dedup sources of {@code p} that the pool lacks. */
    private List<String> missing(Published p) {
        List<String> out = new ArrayList<>();
        if (p.parentId() != null && !present(p.parentId())) {
            out.add("parent " + p.parentId());
        }
        for (String d : p.dedupIds()) {
            if (!present(d)) {
                out.add("dedup source " + d);
            }
        }
        return out;
    }

    private boolean present(String id) {
        return pool.findSnapshot(UUID.fromString(id)).isPresent();
    }

    private Snapshot snapshot(String id) {
        return pool.findSnapshot(UUID.fromString(id)).orElseThrow();
    }

    private static String message(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(String.format("%02x", x));
        }
        return s.toString();
    }
}

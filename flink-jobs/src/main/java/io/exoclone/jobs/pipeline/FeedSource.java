package io.exoclone.jobs.pipeline;

import io.exoclone.engine.Pool;
import io.exoclone.server.control.RemoteFeed;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Where the pipeline's change feed and its scheduled snapshots run: on a pool this process holds
 * ({@link #of}), or inside the {@code exoclone serve} that holds it ({@link #served}), through the
 * control client the CLI uses. Either way {@link Pipeline} sees the same thing: a feed that starts,
 * reports each published snapshot, may fail, and drains on stop.
 */
public interface FeedSource extends AutoCloseable {
    /** The source pool, for messages. */
    Path directory();

    /**
     * Starts publishing to {@code bootstrap} (every snapshot not published yet, then new ones), and
     * the scheduled snapshots of the volumes.
     *
     * @param published told once per published snapshot
     * @param err receives progress lines (a snapshot taken) and warnings
     */
    void start(String bootstrap, Runnable published, Consumer<String> err) throws Exception;

    /** Why the feed cannot go on, if it cannot. */
    Optional<String> failure();

    /**
     * The source's snapshots: now for a pool this process holds; for a served pool the ones it
     * reported published, and after {@link #drain} all it holds.
     */
    Set<UUID> snapshotIds();

    /**
     * Stops without losing anything: no more scheduled snapshots but a last one of each volume that
     * changed, then waits up to {@code timeout} until every snapshot is published, then stops the
     * feed. What falls short is warned about on {@code err} (the next run publishes it).
     */
    void drain(Duration timeout, Consumer<String> err);

    /** Stops at once, without draining. Idempotent. */
    @Override
    void close();

    /** The feed on a pool this process holds (the caller keeps it open and closes it). */
    static FeedSource of(Pool pool) {
        return new PoolFeedSource(pool, List.of(), Duration.ofSeconds(5));
    }

    /** Like {@link #of(Pool)}, snapshotting {@code volumes} every {@code every} when changed. */
    static FeedSource of(Pool pool, List<String> volumes, Duration every) {
        return new PoolFeedSource(pool, volumes, every);
    }

    /** The feed inside the service that holds the pool, through an open feed session. */
    static FeedSource served(Path pool, RemoteFeed session) {
        return new ServedFeedSource(pool, session);
    }
}

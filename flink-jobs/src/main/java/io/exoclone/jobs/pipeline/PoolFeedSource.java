package io.exoclone.jobs.pipeline;

import io.exoclone.connectors.feed.ChangeFeed;
import io.exoclone.connectors.feed.ChangeFeedConfig;
import io.exoclone.connectors.feed.FeedException;
import io.exoclone.connectors.feed.FeedListener;
import io.exoclone.connectors.feed.PublishedSnapshot;
import io.exoclone.engine.Pool;
import io.exoclone.engine.Snapshot;
import io.exoclone.server.SnapshotSchedule;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/** The change feed and scheduled snapshots on a pool this process holds (one pool handle). */
final class PoolFeedSource implements FeedSource {
    private final Pool pool;
    private final List<String> volumes;
    private final Duration every;
    private ChangeFeed feed;
    private SnapshotSchedule schedule;

    PoolFeedSource(Pool pool, List<String> volumes, Duration every) {
        this.pool = pool;
        this.volumes = List.copyOf(volumes);
        this.every = every;
    }

    @Override
    public Path directory() {
        return pool.directory();
    }

    @Override
    public void start(String bootstrap, Runnable published, Consumer<String> err) {
        feed =
                ChangeFeed.start(
                        pool,
                        ChangeFeedConfig.builder().bootstrapServers(bootstrap).build(),
                        new FeedListener() {
                            @Override
                            public void published(PublishedSnapshot s) {
                                published.run();
                            }

                            @Override
                            public void retrying(Throwable cause, Duration backoff) {
                                err.accept(
                                        "exoclone: warning: change feed: "
                                                + cause.getMessage()
                                                + "; retrying in "
                                                + backoff.toMillis()
                                                + " ms");
                            }
                        });
        if (!volumes.isEmpty()) {
            schedule =
                    SnapshotSchedule.start(
                            pool, volumes, every, err, w -> err.accept("exoclone: warning: " + w));
        }
    }

    @Override
    public Optional<String> failure() {
        if (feed == null) {
            return Optional.empty();
        }
        return feed.failure().map(f -> "The change feed stopped: " + f.getMessage());
    }

    @Override
    public Set<UUID> snapshotIds() {
        Set<UUID> ids = new HashSet<>();
        for (Snapshot s : pool.snapshots()) {
            ids.add(s.id());
        }
        return ids;
    }

    @Override
    public void drain(Duration timeout, Consumer<String> err) {
        if (schedule != null) {
            schedule.close();
            schedule.snapshotChanged();
        }
        try {
            feed.awaitCaughtUp(timeout);
        } catch (FeedException e) {
            err.accept("exoclone: warning: " + e.getMessage());
        }
        feed.close();
    }

    @Override
    public void close() {
        if (schedule != null) {
            schedule.close();
        }
        if (feed != null) {
            feed.close();
        }
    }
}

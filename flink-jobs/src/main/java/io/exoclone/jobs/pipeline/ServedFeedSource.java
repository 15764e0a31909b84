package io.exoclone.jobs.pipeline;

import io.exoclone.engine.ExocloneException;
import io.exoclone.server.control.RemoteFeed;
import io.exoclone.server.feed.FeedOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The change feed and scheduled snapshots inside the {@code exoclone serve} that holds the source
 * pool: a feed session of its control socket ({@link RemoteFeed}). The service publishes to this
 * pipeline's Kafka; what it reports arrives here.
 */
final class ServedFeedSource implements FeedSource {
    private final Path pool;
    private final RemoteFeed session;
    private final Set<UUID> ids = ConcurrentHashMap.newKeySet();

    ServedFeedSource(Path pool, RemoteFeed session) {
        this.pool = pool;
        this.session = session;
    }

    @Override
    public Path directory() {
        return pool;
    }

    @Override
    public void start(String bootstrap, Runnable published, Consumer<String> err)
            throws IOException {
        session.start(
                FeedOptions.defaults(bootstrap),
                new RemoteFeed.Listener() {
                    @Override
                    public void published(UUID snapshot, String line) {
                        ids.add(snapshot);
                        published.run();
                    }

                    @Override
                    public void notice(String line) {
                        err.accept(line);
                    }
                });
    }

    @Override
    public Optional<String> failure() {
        return session.failure().map(f -> "The change feed in exoclone serve stopped: " + f);
    }

    @Override
    public Set<UUID> snapshotIds() {
        return Set.copyOf(ids);
    }

    @Override
    public void drain(Duration timeout, Consumer<String> err) {
        try {
            RemoteFeed.Stopped s = session.stop(timeout, true);
            ids.addAll(s.snapshots());
            s.warning().ifPresent(w -> err.accept("exoclone: warning: " + w));
        } catch (IOException | ExocloneException e) {
            err.accept("exoclone: warning: the change feed in exoclone serve: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        session.close();
    }
}

package io.exoclone.connectors.feed;

import io.exoclone.engine.Pool;
import io.exoclone.server.feed.FeedEvents;
import io.exoclone.server.feed.FeedOptions;
import io.exoclone.server.feed.FeedProvider;
import io.exoclone.server.feed.ServiceFeed;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The change feed inside {@code exoclone serve}: a {@link ChangeFeed} of the served pool, for
 * {@code serve --bootstrap} and for a {@code replicate} of a served pool. Registered in {@code
 * META-INF/services/io.exoclone.server.feed.FeedProvider}.
 */
public final class ServiceFeeds implements FeedProvider {
    @Override
    public ServiceFeed start(Pool pool, FeedOptions options, FeedEvents events) {
        ChangeFeedConfig config = ChangeFeedConfig.of(options);
        List<FeedEvents> listeners = new CopyOnWriteArrayList<>(List.of(events));
        ChangeFeed feed =
                ChangeFeed.start(
                        pool,
                        config,
                        new FeedListener() {
                            @Override
                            public void published(PublishedSnapshot s) {
                                String line = s.line();
                                listeners.forEach(l -> l.published(s.snapshotId(), line));
                            }

                            @Override
                            public void retrying(Throwable cause, Duration backoff) {
                                String m =
                                        oneLine(cause)
                                                + "; retrying in "
                                                + backoff.toMillis()
                                                + " ms";
                                listeners.forEach(l -> l.warning(m));
                            }

                            @Override
                            public void failed(Throwable cause) {
                                listeners.forEach(l -> l.failed(oneLine(cause)));
                            }
                        });
        return new Running(feed, config, listeners);
    }

    /** A throwable's message on one line (its class name when it has none). */
    public static String oneLine(Throwable t) {
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return m.replaceAll("\\s+", " ").strip();
    }

    private record Running(ChangeFeed feed, ChangeFeedConfig config, List<FeedEvents> listeners)
            implements ServiceFeed {
        @Override
        public String transactionalId() {
            return feed.transactionalId();
        }

        @Override
        public boolean publishesTo(FeedOptions o) {
            return config.bootstrapServers().equals(o.bootstrap())
                    && config.topic().equals(o.topic());
        }

        @Override
        public Subscription subscribe(FeedEvents listener) {
            listeners.add(listener);
            return () -> listeners.remove(listener);
        }

        @Override
        public Optional<String> failure() {
            return feed.failure().map(ServiceFeeds::oneLine);
        }

        @Override
        public void awaitCaughtUp(Duration timeout) {
            feed.awaitCaughtUp(timeout);
        }

        @Override
        public String describe() {
            return "change feed to "
                    + config.topic()
                    + " on "
                    + config.bootstrapServers()
                    + " (transactional.id "
                    + feed.transactionalId()
                    + ")";
        }

        @Override
        public void close() {
            feed.close();
        }
    }
}

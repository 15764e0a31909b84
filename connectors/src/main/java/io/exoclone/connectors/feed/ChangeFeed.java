package io.exoclone.connectors.feed;

import io.exoclone.engine.ChangeListener;
import io.exoclone.engine.ExocloneException;
import io.exoclone.engine.Pool;
import io.exoclone.engine.Snapshot;
import io.exoclone.schemas.EventCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes every snapshot of a pool to Kafka, exactly once and in generation order: one Kafka
 * transaction per snapshot on {@link ChangeFeedConfig#topic()} (key = volume id) holding one or
 * more {@code NodeChange} records per modified B-tree leaf, then one {@code SnapshotSealed}.
 *
 * <p><b>Exactly once.</b> The same transaction writes the feed's cursor (the snapshot's {@code
 * SnapshotSealed}, keyed by the feed's {@code transactional.id}) to the compacted {@link
 * ChangeFeedConfig#cursorTopic()}, so Kafka knows atomically which snapshot committed last. At
 * every (re)start the feed fences earlier producers of the same {@code transactional.id} (which
 * completes or aborts their open transaction), reads that cursor with read_committed, and publishes
 * every snapshot of a higher generation still in the pool. The pool records the cursor too (a
 * durable property, written after each commit); when the two disagree Kafka wins.
 *
 * <p><b>Threads.</b> One publishing thread per feed. The pool's {@link ChangeListener} only wakes
 * it; it also looks for unpublished snapshots every {@link ChangeFeedConfig#rescanInterval()}.
 * Kafka and pool errors are retried with backoff; only a fenced producer, an authorization failure
 * or an unsuitable topic stop the feed ({@link #failure()}).
 *
 * <p>Close the feed before the pool.
 */
public final class ChangeFeed implements AutoCloseable {
    /** Pool property holding the feed's stable id (a UUID), created on the first start. */
    public static final String FEED_ID_PROPERTY = "exoclone.feed.id";

    /**
     * Kafka record header on every record of a snapshot's transaction: the snapshot's creation
     * time, epoch milliseconds as 8 bytes big-endian. The seal carries it too, but a consumer that
     * writes a file as the records arrive (the assembler) needs it from the first record.
     */
    public static final String SNAPSHOT_CREATED_HEADER = "exoclone.snapshot-created";

    /**
     * Prefix of the pool property holding a feed's last committed snapshot ({@link
     * FeedCursor#format()}); the {@code transactional.id} follows.
     */
    public static final String PUBLISHED_PROPERTY_PREFIX = "exoclone.feed.published.";

    private static final Logger LOG = LoggerFactory.getLogger(ChangeFeed.class);

    /**
     * Clusters and transactional ids of the feeds running in this JVM: two on the same cluster
     * would fence each other (on different clusters they do not: a served pool may feed its own
     * cluster and a replicate's).
     */
    private static final Set<String> RUNNING = ConcurrentHashMap.newKeySet();

    private final Pool pool;
    private final ChangeFeedConfig config;
    private final FeedListener listener;
    private final Faults faults;
    private final EventCodec codec = new EventCodec();
    private final SnapshotSource source;
    private final String transactionalId;
    private final String publishedProperty;
    private final ChangeListener poolListener = s -> wake();
    private final Thread worker;

    /** Guards {@link #workPending}; waited on by the worker and by waiters of a cursor. */
    private final Object lock = new Object();

    private boolean workPending = true;
    private volatile boolean stopping;
    private volatile boolean abortRequested;
    private volatile FeedCursor cursor;
    private volatile Throwable failure;

    /** Set once the worker has read Kafka's cursor (so an empty cursor means nothing published). */
    private volatile boolean cursorRead;

    private boolean closed;

    /** Owned by the worker thread. */
    private FeedSession session;

    private ChangeFeed(Pool pool, ChangeFeedConfig config, FeedListener listener, Faults faults) {
        this.pool = Objects.requireNonNull(pool, "pool");
        this.config = Objects.requireNonNull(config, "config");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.faults = faults;
        this.source = new SnapshotSource(pool);
        this.transactionalId =
                config.transactionalId()
                        .orElseGet(() -> "exoclone-feed-" + feedId(pool) + "-" + config.topic());
        this.publishedProperty = PUBLISHED_PROPERTY_PREFIX + transactionalId;
        if (publishedProperty.length() > 256) {
            throw new FeedException(
                    "Transactional id is too long for a pool property (at most "
                            + (256 - PUBLISHED_PROPERTY_PREFIX.length())
                            + " characters): "
                            + transactionalId);
        }
        this.worker = new Thread(this::run, "exoclone-feed-" + pool.directory().getFileName());
        this.worker.setDaemon(true);
    }

    /** Starts publishing the pool's snapshots: first those not yet published, then new ones. */
    public static ChangeFeed start(Pool pool, ChangeFeedConfig config) {
        return start(pool, config, new FeedListener() {});
    }

    /** Starts publishing, telling {@code listener} about every published snapshot and retry. */
    public static ChangeFeed start(Pool pool, ChangeFeedConfig config, FeedListener listener) {
        return start(pool, config, listener, Faults.NONE);
    }

    static ChangeFeed start(
            Pool pool, ChangeFeedConfig config, FeedListener listener, Faults faults) {
        ChangeFeed feed = new ChangeFeed(pool, config, listener, faults);
        if (!RUNNING.add(feed.runningKey())) {
            throw new FeedException(
                    "A change feed with transactional.id "
                            + feed.transactionalId
                            + " is already running in this process");
        }
        pool.addChangeListener(feed.poolListener);
        feed.worker.start();
        return feed;
    }

    private String runningKey() {
        return config.bootstrapServers() + " " + transactionalId;
    }

    /** The pool's feed id, created (and committed to the pool) on first use. */
    static String feedId(Pool pool) {
        Optional<String> id = pool.property(FEED_ID_PROPERTY);
        if (id.isPresent()) {
            return id.get();
        }
        String fresh = UUID.randomUUID().toString();
        pool.setProperty(FEED_ID_PROPERTY, fresh);
        return fresh;
    }

    /** The producer's {@code transactional.id}; also the key of this feed's cursor record. */
    public String transactionalId() {
        return transactionalId;
    }

    /** The last snapshot whose transaction committed, as read from Kafka and advanced since. */
    public Optional<FeedCursor> publishedThrough() {
        return Optional.ofNullable(cursor);
    }

    /** The cursor the pool holds for this feed (written after each commit; Kafka may be ahead). */
    public Optional<FeedCursor> poolCursor() {
        return FeedCursor.parse(pool.property(publishedProperty).orElse(null));
    }

    /** Why the feed stopped, if it stopped on its own. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /** Whether the publishing thread runs. */
    public boolean isRunning() {
        return worker.isAlive();
    }

    /**
     * Waits until every snapshot that is in the pool now is published (or was deleted unpublished).
     *
     * @return the cursor then; empty if the pool has no snapshot to publish
     * @throws FeedException if the feed fails or the timeout passes first
     */
    public Optional<FeedCursor> awaitCaughtUp(Duration timeout) {
        long target = -1;
        for (Snapshot s : pool.snapshots()) {
            target = Math.max(target, s.generation());
        }
        return awaitGeneration(target, timeout);
    }

    /**
     * Waits until the snapshot is published (or deleted unpublished).
     *
     * @throws FeedException if the feed fails or the timeout passes first
     */
    public FeedCursor awaitPublished(Snapshot snapshot, Duration timeout) {
        return awaitGeneration(snapshot.generation(), timeout)
                .orElseThrow(
                        () ->
                                new FeedException(
                                        "Snapshot " + snapshot.id() + " was not published"));
    }

    private Optional<FeedCursor> awaitGeneration(long target, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Throwable f = failure;
            if (f != null) {
                throw new FeedException("The change feed stopped: " + f.getMessage(), f);
            }
            FeedCursor c = cursor;
            if (cursorRead) {
                if (c != null && c.generation() >= target) {
                    return Optional.of(c);
                }
                if (!pendingUpTo(c, target)) {
                    return Optional.ofNullable(c); // the rest was deleted unpublished
                }
            }
            if (!worker.isAlive()) {
                throw new FeedException("The change feed is closed");
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new FeedException(
                        "The change feed did not publish up to generation "
                                + target
                                + " within "
                                + timeout
                                + "; it stands at "
                                + (c == null ? "nothing published" : c.toString()));
            }
            synchronized (lock) {
                try {
                    lock.wait(Math.max(1, Math.min(100, left / 1_000_000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new FeedException("Interrupted while waiting for the change feed", e);
                }
            }
        }
    }

    /** Whether the pool holds a snapshot after {@code c} up to generation {@code target}. */
    private boolean pendingUpTo(FeedCursor c, long target) {
        for (Snapshot s : pool.snapshots()) {
            if ((c == null || !c.covers(s.generation())) && s.generation() <= target) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- the publishing thread

    private void run() {
        try {
            loop();
        } catch (Throwable t) {
            failure = t;
            LOG.error("Change feed {} stopped: {}", transactionalId, t.toString(), t);
            try {
                listener.failed(t);
            } catch (RuntimeException e) {
                LOG.warn("Feed listener failed", e);
            }
        } finally {
            closeSession(Duration.ofSeconds(5));
            RUNNING.remove(runningKey());
            synchronized (lock) {
                lock.notifyAll();
            }
        }
    }

    private void loop() {
        Duration backoff = config.retryBackoff();
        while (!stopping) {
            try {
                if (session == null) {
                    session = FeedSession.open(config, transactionalId, codec, faults);
                    reconcile(session.cursor());
                }
                publishPending();
                backoff = config.retryBackoff();
                awaitWork(config.rescanInterval());
            } catch (RuntimeException e) {
                if (stopping) {
                    return; // cancelled or cut short by close(): the transaction was aborted
                }
                if (!retryable(e)) {
                    throw e;
                }
                closeSession(Duration.ZERO);
                LOG.warn(
                        "Change feed {}: {}; retrying in {} ms",
                        transactionalId,
                        e.toString(),
                        backoff.toMillis());
                try {
                    listener.retrying(e, backoff);
                } catch (RuntimeException le) {
                    LOG.warn("Feed listener failed", le);
                }
                awaitWork(backoff);
                backoff = min(backoff.multipliedBy(2), config.maxRetryBackoff());
            }
        }
    }

    private static boolean retryable(RuntimeException e) {
        if (FeedSession.isFatal(e)) {
            return false;
        }
        if (e instanceof KafkaException) {
            return true; // includes timeouts while the broker is away
        }
        // Pool errors (I/O) may pass; the feed's own errors (topics, cursor) will not.
        return e instanceof ExocloneException && !(e instanceof FeedException);
    }

    /** Makes Kafka's cursor the feed's and the pool's. */
    private void reconcile(Optional<FeedCursor> kafka) {
        Optional<FeedCursor> local;
        try {
            local = poolCursor();
        } catch (FeedException e) {
            LOG.warn("Ignoring the pool's feed cursor: {}", e.getMessage());
            local = Optional.empty();
        }
        if (!kafka.equals(local)) {
            if (kafka.isEmpty()) {
                LOG.warn(
                        "Kafka holds no cursor for feed {} but the pool says {}: publishing every"
                                + " snapshot still in the pool (new cluster or lost cursor topic?)",
                        transactionalId,
                        local.get());
            } else if (local.isPresent() && local.get().generation() > kafka.get().generation()) {
                LOG.warn(
                        "The pool's cursor for feed {} ({}) is ahead of Kafka's ({}): Kafka wins",
                        transactionalId,
                        local.get(),
                        kafka.get());
            } else {
                LOG.info(
                        "Feed {} resumes after {} (the pool had {})",
                        transactionalId,
                        kafka.get(),
                        local.map(Object::toString).orElse("nothing"));
            }
            pool.setProperty(publishedProperty, kafka.map(FeedCursor::format).orElse(null));
        }
        cursor = kafka.orElse(null);
        cursorRead = true;
        signalWaiters();
    }

    /** Publishes every snapshot newer than the cursor, oldest first. */
    private void publishPending() {
        while (!stopping) {
            List<Snapshot> pending = new ArrayList<>();
            FeedCursor c = cursor;
            for (Snapshot s : pool.snapshots()) {
                if (c == null || !c.covers(s.generation())) {
                    pending.add(s);
                }
            }
            if (pending.isEmpty()) {
                return;
            }
            for (Snapshot s : pending) {
                if (stopping) {
                    return;
                }
                publish(s);
            }
        }
    }

    private void publish(Snapshot s) {
        PublishedSnapshot published;
        try {
            SnapshotSource.Prepared p = source.prepare(s);
            published = session.publish(p, source, () -> abortRequested);
        } catch (SnapshotSource.SnapshotGoneException e) {
            LOG.info("Skipping snapshot {}: deleted before it was published", s.id());
            return;
        }
        if (published.fullImageFallback()) {
            LOG.warn(
                    "Snapshot {} was published as a full image: its parent {} was deleted"
                            + " before it was published",
                    s.id(),
                    s.parentId().map(UUID::toString).orElse("?"));
        }
        try {
            listener.published(published);
        } catch (RuntimeException e) {
            LOG.warn("Feed listener failed", e);
        }
        // The pool's record of the commit; if this fails, the next session learns it from Kafka.
        pool.setProperty(publishedProperty, published.cursor().format());
        // Last: waiters see the cursor move once the listener and the pool have been told.
        cursor = published.cursor();
        signalWaiters();
    }

    private void closeSession(Duration timeout) {
        if (session != null) {
            session.abortQuietly();
            session.close(timeout);
            session = null;
        }
    }

    private void wake() {
        synchronized (lock) {
            workPending = true;
            lock.notifyAll();
        }
    }

    private void signalWaiters() {
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    /** Waits for a commit notification, a stop, or the timeout. */
    private void awaitWork(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (!workPending && !stopping) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    lock.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    stopping = true;
                }
            }
            workPending = false;
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /**
     * Stops the feed: lets the snapshot being published commit if it does so within {@link
     * ChangeFeedConfig#closeTimeout()}, else aborts its transaction; then closes the producer.
     * Snapshots not published yet are published by the next start. Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        pool.removeChangeListener(poolListener);
        stopping = true;
        wake();
        try {
            worker.join(config.closeTimeout().toMillis());
            if (worker.isAlive()) {
                LOG.warn(
                        "Change feed {}: the open transaction did not finish within {}; aborting"
                                + " it",
                        transactionalId,
                        config.closeTimeout());
                abortRequested = true;
                // No interrupt: it would close the pool's file channels under the reader.
                worker.join(config.kafkaTimeout().toMillis() + 10_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

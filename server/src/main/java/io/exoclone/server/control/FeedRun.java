package io.exoclone.server.control;

import io.exoclone.engine.ExocloneException;
import io.exoclone.engine.Pool;
import io.exoclone.engine.Snapshot;
import io.exoclone.server.PoolService;
import io.exoclone.server.ServiceComponent;
import io.exoclone.server.SnapshotSchedule;
import io.exoclone.server.feed.FeedEvents;
import io.exoclone.server.feed.FeedOptions;
import io.exoclone.server.feed.Feeds;
import io.exoclone.server.feed.ServiceFeed;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The service's side of a feed session, what a {@code replicate} of a served pool asks for: check
 * the volumes ({@link Frame#FEED_OPEN}), start a change feed to the client's Kafka and the volumes'
 * snapshot schedule ({@link Frame#FEED_START}), pass on what they report, and on {@link
 * Frame#FEED_STOP} stop the schedule, take a last snapshot of each volume that changed, wait until
 * the feed published every snapshot, close it, and answer with the pool's snapshot ids. A client
 * that goes away stops the session without draining (the next feed publishes the rest).
 */
final class FeedRun {
    private final PoolService service;
    private final Pool pool;
    private final FrameChannel channel;
    private final ControlConnection connection;
    private ServiceFeed feed;
    private ServiceFeed.Subscription shared;
    private SnapshotSchedule schedule;

    FeedRun(PoolService service, FrameChannel channel, ControlConnection connection) {
        this.service = service;
        this.pool = service.pool();
        this.channel = channel;
        this.connection = connection;
    }

    void run(Frame open) throws IOException {
        Payload.Reader r = open.reader();
        List<String> volumes = r.getStrings();
        Duration every = Duration.ofMillis(r.getLong());
        try {
            for (String v : volumes) {
                pool.volume(v);
            }
            if (every.isNegative() || every.isZero()) {
                throw new IllegalArgumentException("The snapshot interval must be positive");
            }
        } catch (RuntimeException e) {
            channel.write(RemoteErrors.frame(e));
            return;
        }
        channel.write(Frame.of(Frame.FEED_READY, Payload.writer()));
        Frame start = channel.read();
        if (start == null || start.type() != Frame.FEED_START) {
            return;
        }
        connection.onServiceStop(this::serviceStopping);
        try {
            FeedOptions options = options(start.reader());
            feed = runningFeed(options).orElse(null);
            if (feed != null) {
                shared = feed.subscribe(events()); // serve --bootstrap publishes there already
            } else {
                feed = Feeds.start(pool, options, events());
            }
            if (!volumes.isEmpty()) {
                schedule =
                        SnapshotSchedule.start(
                                pool,
                                volumes,
                                every,
                                this::notice,
                                w -> notice("exoclone: warning: " + w));
            }
            String what =
                    feed.describe()
                            + (shared == null ? "" : " (serve's own, shared)")
                            + (schedule == null ? "" : ", " + schedule.describe());
            channel.write(Frame.text(Frame.FEED_STARTED, what));
            Frame stop = channel.read();
            if (stop != null && stop.type() == Frame.FEED_STOP) {
                Payload.Reader s = stop.reader();
                stop(Duration.ofMillis(s.getLong()), s.getBoolean());
            }
        } catch (RuntimeException e) {
            channel.write(RemoteErrors.frame(e));
        } finally {
            closeAll();
        }
    }

    /** The service's own feed to the same cluster and topic ({@code serve --bootstrap}), if any. */
    private Optional<ServiceFeed> runningFeed(FeedOptions options) {
        for (ServiceComponent c : service.components()) {
            if (c instanceof ServiceFeed f && f.publishesTo(options)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    private static FeedOptions options(Payload.Reader r) throws IOException {
        String bootstrap = r.getString();
        String topic = r.getString();
        String cursorTopic = r.getString();
        int maxRecordBytes = r.getInt();
        int partitions = r.getInt();
        String tid = r.getString();
        return new FeedOptions(
                bootstrap,
                topic,
                cursorTopic,
                maxRecordBytes,
                partitions,
                tid.isEmpty() ? Optional.empty() : Optional.of(tid),
                r.getMap());
    }

    /** FEED_START's payload for {@code options}. */
    static Payload.Writer payload(FeedOptions o) {
        return Payload.writer()
                .putString(o.bootstrap())
                .putString(o.topic())
                .putString(o.cursorTopic())
                .putInt(o.maxRecordBytes())
                .putInt(o.partitions())
                .putString(o.transactionalId().orElse(""))
                .putMap(o.producerProperties());
    }

    private FeedEvents events() {
        return new FeedEvents() {
            @Override
            public void published(UUID snapshot, String line) {
                send(
                        Frame.of(
                                Frame.PUBLISHED,
                                Payload.writer().putString(snapshot.toString()).putString(line)));
            }

            @Override
            public void warning(String message) {
                notice("exoclone: warning: change feed: " + message);
            }

            @Override
            public void failed(String message) {
                send(Frame.text(Frame.FEED_FAILED, message));
            }
        };
    }

    private void stop(Duration drain, boolean lastSnapshots) throws IOException {
        if (schedule != null) {
            schedule.close();
            if (lastSnapshots) {
                schedule.snapshotChanged();
            }
        }
        String warning = "";
        try {
            feed.awaitCaughtUp(drain);
        } catch (ExocloneException e) {
            warning = e.getMessage();
        }
        closeFeed();
        List<String> ids = new ArrayList<>();
        for (Snapshot s : pool.snapshots()) {
            ids.add(s.id().toString());
        }
        channel.write(
                Frame.of(Frame.FEED_STOPPED, Payload.writer().putStrings(ids).putString(warning)));
    }

    private void notice(String line) {
        send(Frame.text(Frame.NOTICE, line));
    }

    /** Sends from a feed or schedule thread; a client that went away is noticed by the reader. */
    private void send(Frame f) {
        try {
            channel.write(f);
        } catch (IOException e) {
            // gone: the session's thread sees the connection close and stops everything
        }
    }

    private void serviceStopping() {
        send(
                Frame.text(
                        Frame.FEED_FAILED,
                        "exoclone serve (pid " + ProcessHandle.current().pid() + ") is stopping"));
        connection.cutOff();
    }

    private void closeAll() {
        if (schedule != null) {
            schedule.close();
        }
        closeFeed();
    }

    /** Closes the session's feed, or only leaves the service's own. */
    private void closeFeed() {
        if (shared != null) {
            shared.close();
        } else if (feed != null) {
            feed.close();
        }
    }
}

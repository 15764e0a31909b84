package io.exoclone.connectors.cli;

import io.exoclone.cli.CliContext;
import io.exoclone.cli.ExitCodes;
import io.exoclone.cli.PoolCommand;
import io.exoclone.cli.StopSignal;
import io.exoclone.connectors.feed.ChangeFeed;
import io.exoclone.connectors.feed.ChangeFeedConfig;
import io.exoclone.connectors.feed.FeedCursor;
import io.exoclone.connectors.feed.FeedException;
import io.exoclone.connectors.feed.FeedListener;
import io.exoclone.connectors.feed.PublishedSnapshot;
import io.exoclone.connectors.feed.ServiceFeeds;
import io.exoclone.engine.Pool;
import io.exoclone.server.ScheduleOptions;
import io.exoclone.server.SnapshotSchedule;
import io.exoclone.server.feed.FeedSettings;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code exoclone stream --bootstrap HOST:PORT [--volume NAME ...] [--every 5s] [--once]}. */
@Command(
        name = "stream",
        header =
                "Publish the pool's snapshots to Kafka, exactly once, and keep following the pool.",
        description = {
            "Publishes every snapshot not published yet, oldest first, each as one Kafka"
                    + " transaction on the topic (key = volume id): NodeChange records of the"
                    + " modified B-tree leaves, then a SnapshotSealed. Then follows the pool: with"
                    + " --volume, it snapshots the named volumes every --every (when they changed)"
                    + " and publishes the snapshots. Prints one line per published snapshot:"
                    + " UUID, volume, generation, records, data bytes, milliseconds.",
            "",
            "The pool stays open (locked) while stream runs, so other exoclone commands on it"
                    + " wait until it stops: run it with --once after taking snapshots, or let a"
                    + " long-running stream take them with --volume. On a pool that 'exoclone"
                    + " serve' holds, stream runs inside serve until Ctrl-C, and the pool stays"
                    + " usable ('serve --bootstrap' runs the same feed for as long as it serves).",
            "",
            "Resuming is exact: the cursor (last committed snapshot) is committed to Kafka in the"
                    + " same transaction as the snapshot, so after a crash, a broker outage or"
                    + " Ctrl-C the next stream publishes exactly the snapshots that are missing."
                    + " Ctrl-C lets the open transaction finish (or aborts it) and closes the pool.",
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  exoclone snapshot vm1 && exoclone stream --bootstrap 127.0.0.1:9092 --once",
            "  exoclone stream --bootstrap 127.0.0.1:9092 --volume vm1 --volume vm2 --every 10s",
        })
final class StreamCommand extends PoolCommand {
    @Option(
            names = {"-b", "--bootstrap"},
            required = true,
            paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers.")
    String bootstrap;

    @Mixin ScheduleOptions schedule;

    @Option(
            names = "--once",
            description =
                    "Publish the snapshots not published yet (and, with --volume, one new"
                            + " snapshot of each changed volume), then exit.")
    boolean once;

    @Mixin FeedSettings feedSettings;

    @Override
    protected int run(CliContext cli, Pool pool) throws Exception {
        ChangeFeedConfig config = ChangeFeedConfig.of(feedSettings.options(cli, bootstrap));
        List<String> volumes = schedule.volumes();
        Duration every = schedule.every();
        for (String v : volumes) {
            cli.resolveVolume(pool, v);
        }
        PrintWriter out = cli.out();
        PrintWriter err = cli.err();
        AtomicLong published = new AtomicLong();
        FeedListener printer =
                new FeedListener() {
                    @Override
                    public void published(PublishedSnapshot s) {
                        published.incrementAndGet();
                        out.println(s.line());
                    }

                    @Override
                    public void retrying(Throwable cause, Duration backoff) {
                        err.println(
                                "exoclone: warning: "
                                        + ServiceFeeds.oneLine(cause)
                                        + "; retrying in "
                                        + backoff.toMillis()
                                        + " ms");
                    }
                };
        try (StopSignal stop = cli.stopSignal();
                ChangeFeed feed = ChangeFeed.start(pool, config, printer)) {
            err.println(
                    "Streaming pool "
                            + pool.directory()
                            + " to "
                            + config.topic()
                            + " on "
                            + config.bootstrapServers()
                            + " as transactional.id "
                            + feed.transactionalId()
                            + (volumes.isEmpty()
                                    ? ""
                                    : ", snapshotting " + volumes + " every " + every));
            while (!stop.stopped()) {
                for (String v : volumes) {
                    SnapshotSchedule.snapshotIfChanged(pool, v)
                            .ifPresent(s -> err.println(SnapshotSchedule.notice(s)));
                }
                if (once) {
                    awaitCaughtUp(feed, stop);
                    break;
                }
                if (feed.failure().isPresent()) {
                    break;
                }
                stop.await(volumes.isEmpty() ? Duration.ofSeconds(1) : every);
            }
            feed.close();
            if (feed.failure().isPresent()) {
                Throwable f = feed.failure().get();
                throw f instanceof RuntimeException r ? r : new RuntimeException(f);
            }
            err.println(
                    "Stopped: "
                            + published.get()
                            + " snapshot(s) published, through "
                            + feed.publishedThrough().map(FeedCursor::toString).orElse("nothing"));
        }
        return ExitCodes.OK;
    }

    /** Waits until the feed published everything, fails, or Ctrl-C. */
    private static void awaitCaughtUp(ChangeFeed feed, StopSignal stop) {
        while (!stop.stopped() && feed.failure().isEmpty()) {
            try {
                feed.awaitCaughtUp(Duration.ofMillis(500));
                return;
            } catch (FeedException e) {
                // not yet, or failed: the loop condition tells
            }
        }
    }
}

package io.exoclone.server;

import io.exoclone.cli.CliContext;
import io.exoclone.engine.Pool;
import io.exoclone.server.control.ControlServer;
import io.exoclone.server.feed.FeedEvents;
import io.exoclone.server.feed.FeedSettings;
import io.exoclone.server.feed.Feeds;
import java.io.PrintWriter;
import java.util.List;
import java.util.UUID;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options of {@code serve} for what runs beside the block server (a picocli mixin), and the
 * components they start: scheduled snapshots ({@code --volume}, {@code --every}), the change feed
 * ({@code --bootstrap} and the feed's options, as {@code stream} has them) and, always, the control
 * socket through which every CLI verb reaches the served pool.
 */
public final class ServeOptions {
    @Mixin ScheduleOptions schedule;

    @Option(
            names = "--bootstrap",
            paramLabel = "HOST:PORT",
            description =
                    "Publish every snapshot of the pool to this Kafka cluster, exactly once, as"
                            + " 'stream' does (one line per snapshot on stdout).")
    String bootstrap;

    @Mixin FeedSettings feed;

    /**
     * Starts the components these options ask for, each added to the service (so it stops with it):
     * the change feed, the snapshot schedule, then the control socket.
     *
     * @throws io.exoclone.engine.NotFoundException when a {@code --volume} does not exist
     */
    public void start(CliContext cli, PoolService service) {
        Pool pool = service.pool();
        List<String> volumes = schedule.volumes();
        for (String v : volumes) {
            cli.resolveVolume(pool, v);
        }
        if (bootstrap != null) {
            service.add(Feeds.start(pool, feed.options(cli, bootstrap), events(cli)));
        }
        if (!volumes.isEmpty()) {
            PrintWriter err = cli.err();
            service.add(
                    SnapshotSchedule.start(
                            pool,
                            volumes,
                            schedule.every(),
                            line -> println(err, line),
                            w -> println(err, "exoclone: warning: " + w)));
        }
        service.add(ControlServer.start(service));
    }

    /**
     * The feed's lines: published snapshots on stdout (as stream prints them), the rest on stderr.
     */
    private static FeedEvents events(CliContext cli) {
        PrintWriter out = cli.out();
        PrintWriter err = cli.err();
        return new FeedEvents() {
            @Override
            public void published(UUID snapshot, String line) {
                println(out, line);
            }

            @Override
            public void warning(String message) {
                println(err, "exoclone: warning: change feed: " + message);
            }

            @Override
            public void failed(String message) {
                println(
                        err,
                        "exoclone: the change feed stopped: "
                                + message
                                + "; the pool is still served, without it");
            }
        };
    }

    private static void println(PrintWriter w, String line) {
        synchronized (w) {
            w.println(line);
            w.flush();
        }
    }
}

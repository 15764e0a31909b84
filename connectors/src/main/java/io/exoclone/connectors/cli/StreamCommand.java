package io.exoclone.connectors.cli;

import io.exoclone.cli.CliContext;
import io.exoclone.cli.DurationConverter;
import io.exoclone.cli.ExitCodes;
import io.exoclone.cli.PoolCommand;
import io.exoclone.cli.Sizes;
import io.exoclone.connectors.feed.ChangeFeed;
import io.exoclone.connectors.feed.ChangeFeedConfig;
import io.exoclone.connectors.feed.FeedCursor;
import io.exoclone.connectors.feed.FeedException;
import io.exoclone.connectors.feed.FeedListener;
import io.exoclone.connectors.feed.PublishedSnapshot;
import io.exoclone.engine.Pool;
import io.exoclone.engine.Snapshot;
import io.exoclone.engine.Volume;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
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
                    + " long-running stream take them with --volume. A process that writes the"
                    + " pool itself embeds the feed instead (io.exoclone.connectors.feed.ChangeFeed).",
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

    @Option(
            names = {"-v", "--volume"},
            paramLabel = "NAME",
            description = "Volume to snapshot every --every while it changes (repeatable).")
    List<String> volumes = new ArrayList<>();

    @Option(
            names = "--every",
            paramLabel = "DURATION",
            defaultValue = "5s",
            converter = DurationConverter.class,
            description = "Snapshot interval for --volume (default: ${DEFAULT-VALUE}).")
    Duration every;

    @Option(
            names = "--once",
            description =
                    "Publish the snapshots not published yet (and, with --volume, one new"
                            + " snapshot of each changed volume), then exit.")
    boolean once;

    @Option(
            names = "--topic",
            paramLabel = "T",
            defaultValue = ChangeFeedConfig.DEFAULT_TOPIC,
            description = "Change topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(
            names = "--cursor-topic",
            paramLabel = "T",
            defaultValue = ChangeFeedConfig.DEFAULT_CURSOR_TOPIC,
            description = "Compacted topic of the feeds' cursors (default: ${DEFAULT-VALUE}).")
    String cursorTopic;

    @Option(
            names = "--max-record-bytes",
            paramLabel = "SIZE",
            defaultValue = "1M",
            converter = Sizes.Converter.class,
            description = "Largest Kafka record, key and overhead included (default: 1M).")
    long maxRecordBytes;

    @Option(
            names = "--partitions",
            paramLabel = "N",
            defaultValue = "1",
            description = "Partitions of the change topic if stream creates it (default: 1).")
    int partitions;

    @Option(
            names = "--transactional-id",
            paramLabel = "ID",
            description =
                    "Kafka transactional.id (default: derived from the pool's feed id and the"
                            + " topic, stable for the pool).")
    String transactionalId;

    @Option(
            names = {"-X", "--producer-property"},
            paramLabel = "KEY=VALUE",
            description = "Extra Kafka producer setting, e.g. -X compression.type=lz4.")
    Map<String, String> producerProperties = Map.of();

    @Override
    protected int run(CliContext cli, Pool pool) throws Exception {
        ChangeFeedConfig config = config(cli);
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
                        out.println(line(s));
                    }

                    @Override
                    public void retrying(Throwable cause, Duration backoff) {
                        err.println(
                                "exoclone: warning: "
                                        + oneLine(cause)
                                        + "; retrying in "
                                        + backoff.toMillis()
                                        + " ms");
                    }
                };
        Stopper stopper = new Stopper();
        try (ChangeFeed feed = ChangeFeed.start(pool, config, printer)) {
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
            stopper.install();
            while (!stopper.stopped()) {
                for (String v : volumes) {
                    snapshotIfChanged(pool, v, err);
                }
                if (once) {
                    awaitCaughtUp(feed, stopper);
                    break;
                }
                if (feed.failure().isPresent()) {
                    break;
                }
                stopper.await(volumes.isEmpty() ? Duration.ofSeconds(1) : every);
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
        } finally {
            pool.close(); // before a Ctrl-C lets the JVM halt
            stopper.done();
        }
        return ExitCodes.OK;
    }

    /** Waits until the feed published everything, fails, or Ctrl-C. */
    private static void awaitCaughtUp(ChangeFeed feed, Stopper stopper) {
        while (!stopper.stopped() && feed.failure().isEmpty()) {
            try {
                feed.awaitCaughtUp(Duration.ofMillis(500));
                return;
            } catch (FeedException e) {
                // not yet, or failed: the loop condition tells
            }
        }
    }

    private ChangeFeedConfig config(CliContext cli) {
        if (maxRecordBytes > Integer.MAX_VALUE) {
            throw cli.usageError("--max-record-bytes is too large: " + maxRecordBytes);
        }
        ChangeFeedConfig.Builder b =
                ChangeFeedConfig.builder()
                        .bootstrapServers(bootstrap)
                        .topic(topic)
                        .cursorTopic(cursorTopic)
                        .maxRecordBytes((int) maxRecordBytes)
                        .topicPartitions(partitions)
                        .transactionalId(transactionalId);
        producerProperties.forEach(b::producerProperty);
        return b.build();
    }

    /** Snapshots a volume unless its content equals its base snapshot's. */
    private static void snapshotIfChanged(Pool pool, String name, PrintWriter err) {
        Volume v = pool.volume(name);
        Optional<UUID> base = v.baseSnapshotId();
        if (base.isPresent()) {
            Optional<Snapshot> b = pool.findSnapshot(base.get());
            if (b.isPresent() && Arrays.equals(b.get().rootHash(), v.rootHash())) {
                return;
            }
        }
        Snapshot s = pool.snapshot(name, null);
        err.println("Snapshot " + s.id() + " of volume '" + name + "'");
    }

    static String line(PublishedSnapshot s) {
        return "published "
                + s.snapshotId()
                + " volume="
                + s.volumeName()
                + " generation="
                + s.generation()
                + " parent="
                + s.parentId().map(UUID::toString).orElse("none")
                + (s.fullImageFallback() ? " full-image" : "")
                + " records="
                + s.records()
                + " bytes="
                + s.dataBytes()
                + " ms="
                + s.duration().toMillis();
    }

    private static String oneLine(Throwable t) {
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return m.replaceAll("\\s+", " ").strip();
    }

    /**
     * Stops the loop on Ctrl-C (or SIGTERM): the shutdown hook asks the loop to stop and holds the
     * JVM until the feed and the pool are closed.
     */
    static final class Stopper {
        private final CountDownLatch stop = new CountDownLatch(1);
        private final CountDownLatch done = new CountDownLatch(1);
        private Thread hook;

        void install() {
            hook =
                    new Thread(
                            () -> {
                                stop.countDown();
                                try {
                                    done.await(2, TimeUnit.MINUTES);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            },
                            "exoclone-stream-stop");
            Runtime.getRuntime().addShutdownHook(hook);
        }

        boolean stopped() {
            return stop.getCount() == 0;
        }

        void await(Duration d) throws InterruptedException {
            stop.await(d.toMillis(), TimeUnit.MILLISECONDS);
        }

        void done() {
            done.countDown();
            if (hook != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // the JVM is shutting down: the hook is running
                }
            }
        }
    }
}

package io.exoclone.jobs.pipeline;

import io.exoclone.cli.CliContext;
import io.exoclone.cli.DurationConverter;
import io.exoclone.cli.ExitCodes;
import io.exoclone.cli.StopSignal;
import io.exoclone.engine.Pool;
import io.exoclone.server.ScheduleOptions;
import io.exoclone.server.control.ControlClient;
import io.exoclone.server.control.RemoteFeed;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code exoclone replicate --from POOL_A --to POOL_B [--volume NAME ...] [--every 5s]}. */
@Command(
        name = "replicate",
        header = "Replicate one pool into another continuously: feed, AssembleJob, ReplicateJob.",
        description = {
            "Publishes every snapshot of --from to Kafka (the change feed), assembles exo-clone"
                    + " files with global dedup (AssembleJob) and imports them into --to in"
                    + " lineage order (ReplicateJob). With --volume, takes a snapshot of each named"
                    + " volume every --every when it changed. Prints the Flink dashboard URL, then"
                    + " one line per replicated snapshot: UUID, volume, bytes shipped (the"
                    + " exo-clone file) and changed, dedup, lag, replica root hash.",
            "",
            "Without --bootstrap, --flink and --storage everything runs in this process on"
                    + " 127.0.0.1: a Kafka broker, a Flink cluster with its dashboard (port 8081,"
                    + " or a free one if 8081 is taken), exo-clone files under the work directory."
                    + " Each option replaces one of them by an existing service; the code path is"
                    + " the same.",
            "",
            "Ctrl-C stops without losing anything: the --volume schedule stops (with a last"
                    + " snapshot of each volume that changed since its last one), the snapshots"
                    + " taken are published, the replica applies them, the jobs stop with a savepoint"
                    + " (a second Ctrl-C stops waiting for the replica). Running the same command"
                    + " again resumes: the broker's data, savepoints and checkpoints live in the"
                    + " work directory. --from stays open (locked) while replicate runs, unless"
                    + " 'exoclone serve' holds it: then the change feed and the --volume snapshots"
                    + " run inside serve, and the pool stays usable (NBD clients and other exoclone"
                    + " commands write it meanwhile). The replica pool is created if it does not"
                    + " exist.",
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  exoclone replicate --from /srv/site-a --to /srv/site-b --volume vm1 --every 5s",
            "  exoclone replicate --from /srv/site-a --to /srv/site-b --bootstrap kafka:9092"
                    + " --flink jobmanager:8081 --storage hdfs://nn:8020/exoclones"
                    + " --checkpoint-dir hdfs://nn:8020/flink",
        })
final class ReplicateCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
            names = "--from",
            required = true,
            paramLabel = "POOL_A",
            description = "Source pool directory.")
    Path from;

    @Option(
            names = "--to",
            required = true,
            paramLabel = "POOL_B",
            description = "Replica pool directory (created if missing).")
    Path to;

    @Mixin ScheduleOptions schedule;

    @Option(
            names = "--bootstrap",
            paramLabel = "HOST:PORT",
            description = "Use this Kafka cluster instead of a broker in this process.")
    String bootstrap;

    @Option(
            names = "--flink",
            paramLabel = "HOST:PORT",
            description =
                    "Submit the jobs to this Flink cluster (REST address) instead of running them"
                            + " in this process; the job jar (flink-jobs/target/job/) is sent.")
    String flink;

    @Option(
            names = "--storage",
            paramLabel = "URI",
            description =
                    "Base URI of exo-clone files (hdfs://, s3a://, file://); default: WORK/exoclones.")
    String storage;

    @Option(
            names = "--work",
            paramLabel = "DIR",
            description =
                    "Local state of the pipeline: broker data, checkpoints, savepoints, default"
                            + " storage (default: POOL_B.replicate next to the replica pool).")
    Path work;

    @Option(
            names = "--checkpoint-dir",
            paramLabel = "URI",
            description =
                    "Flink checkpoints and savepoints (default: WORK/state); with --flink, a"
                            + " URI the cluster can write.")
    String checkpointDir;

    @Option(
            names = "--site",
            paramLabel = "NAME",
            description =
                    "Name of the replica site in statuses (default: POOL_B's directory name).")
    String site;

    @Option(
            names = "--checkpoint-interval",
            paramLabel = "DURATION",
            defaultValue = "1s",
            converter = DurationConverter.class,
            description =
                    "Flink checkpoint interval; files are published at checkpoints (default: ${DEFAULT-VALUE}).")
    Duration checkpointInterval;

    @Option(
            names = "--drain-timeout",
            paramLabel = "DURATION",
            defaultValue = "2m",
            converter = DurationConverter.class,
            description =
                    "How long Ctrl-C waits for the replica to apply what was published (default: ${DEFAULT-VALUE}).")
    Duration drainTimeout;

    @Option(names = "--jar", paramLabel = "FILE", description = "Job jar for --flink.")
    Path jar;

    @Option(
            names = "--hadoop",
            paramLabel = "KEY=VALUE",
            description = "A Hadoop setting for hdfs:// and s3a:// storage; repeatable.")
    Map<String, String> hadoop = new LinkedHashMap<>();

    @Option(
            names = "--flink-conf",
            paramLabel = "KEY=VALUE",
            description =
                    "A Flink setting for both jobs (e.g. restart-strategy.type=none); repeatable.")
    Map<String, String> flinkConf = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        CliContext cli = CliContext.of(spec);
        PrintWriter out = cli.out();
        PrintWriter err = cli.err();
        if (from.toAbsolutePath().normalize().equals(to.toAbsolutePath().normalize())) {
            throw cli.usageError("--from and --to name the same pool: " + from);
        }
        PipelineSettings settings;
        try {
            Path dir = work != null ? work : to.resolveSibling(to.getFileName() + ".replicate");
            settings =
                    PipelineSettings.builder(dir, to)
                            .site(site)
                            .bootstrap(bootstrap)
                            .flink(flink)
                            .storage(storage)
                            .checkpointDir(checkpointDir)
                            .jobJar(jar)
                            .checkpointInterval(checkpointInterval)
                            .drainTimeout(drainTimeout)
                            .flinkSettings(flinkConf)
                            .hadoopSettings(hadoop)
                            .build();
        } catch (IllegalArgumentException e) {
            throw cli.usageError(e.getMessage());
        }
        ControlClient.refuseIfServed(to, "the replica pool of replicate (--to)");
        List<String> volumes = schedule.volumes();
        Duration every = schedule.every();
        // The source pool is served (its change feed and snapshots run inside the service), or
        // it is opened here; either way the pipeline is the same.
        Optional<ControlClient> service = ControlClient.connect(from);
        if (service.isPresent()) {
            ControlClient client = service.get();
            RemoteFeed session = client.openFeed(volumes, every); // owns the connection now
            err.println(
                    "Pool "
                            + from
                            + " is served by "
                            + client.describe()
                            + ": its change feed"
                            + (volumes.isEmpty() ? " runs" : " and snapshots run")
                            + " there");
            try (FeedSource source = FeedSource.served(from, session)) {
                return run(source, settings, out, err);
            }
        }
        try (Pool pool = Pool.open(from)) {
            for (String v : volumes) {
                cli.resolveVolume(pool, v);
            }
            try (FeedSource source = FeedSource.of(pool, volumes, every)) {
                return run(source, settings, out, err);
            }
        }
    }

    private int run(FeedSource source, PipelineSettings settings, PrintWriter out, PrintWriter err)
            throws Exception {
        List<String> volumes = schedule.volumes();
        try (StopSignal stop = StopSignal.install();
                Pipeline pipeline = Pipeline.start(source, settings, line(out), line(err))) {
            stop.onSecond(pipeline::hurry);
            err.println(
                    volumes.isEmpty()
                            ? "Following the pool; Ctrl-C stops."
                            : "Snapshotting "
                                    + String.join(", ", volumes)
                                    + " every "
                                    + Bytes.seconds(schedule.every().toMillis())
                                    + " when changed; Ctrl-C stops.");
            Optional<String> failure = Optional.empty();
            while (!stop.stopped()) {
                failure = pipeline.failure();
                if (failure.isPresent()) {
                    break;
                }
                stop.await(Duration.ofSeconds(1));
            }
            Pipeline.StopReport report = pipeline.stop();
            err.println(summary(pipeline, report, settings));
            if (failure.isPresent()) {
                err.println("exoclone: " + failure.get());
                return ExitCodes.GENERIC;
            }
            return report.clean() ? ExitCodes.OK : ExitCodes.GENERIC;
        }
    }

    static String summary(Pipeline p, Pipeline.StopReport r, PipelineSettings s) {
        return "Stopped: "
                + r.published()
                + " snapshot(s) published, "
                + r.replicated()
                + " replicated into "
                + s.replicaPool()
                + " (shipped "
                + Bytes.human(p.shippedBytes())
                + " for "
                + Bytes.human(p.changedBytes())
                + " changed)"
                + (r.notReplicated().isEmpty() ? "" : ", " + r.notReplicated().size() + " not yet")
                + (r.problems() == 0 ? "" : ", " + r.problems() + " failed")
                + ". Run the same command to resume.";
    }

    static java.util.function.Consumer<String> line(PrintWriter w) {
        return s -> {
            synchronized (w) {
                w.println(s);
                w.flush();
            }
        };
    }
}

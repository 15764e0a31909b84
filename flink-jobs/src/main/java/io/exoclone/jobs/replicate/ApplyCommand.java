package io.exoclone.jobs.replicate;

import io.exoclone.cli.CliContext;
import io.exoclone.cli.ExitCodes;
import io.exoclone.cli.StopSignal;
import io.exoclone.connectors.KafkaCheck;
import io.exoclone.engine.InvalidArgumentException;
import io.exoclone.jobs.FlinkRest;
import io.exoclone.jobs.JobJar;
import io.exoclone.jobs.LoopbackFlink;
import io.exoclone.server.control.ControlClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code exoclone apply}: runs {@link ReplicateJob} into the pool named by {@code --pool}. The job
 * opens the pool itself (one process owns a pool), so this command never does.
 */
@Command(
        name = "apply",
        description = {
            "Continuously import published exo-clones into the pool (ReplicateJob), in lineage"
                    + " order, and report each on exoclone.replica-status.",
            "Runs on Flink's local environment with its dashboard on 127.0.0.1 unless --flink"
                    + " names a cluster. Ctrl-C (or SIGTERM) cancels the job and exits 0; imports"
                    + " are idempotent, so the next run goes on where it stopped. Exit code 8 when"
                    + " the cluster does not answer."
        })
public final class ApplyCommand implements Callable<Integer> {
    private static final int DASHBOARD_PORT = 8081;

    @Spec CommandSpec spec;

    @Option(
            names = "--bootstrap",
            required = true,
            paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers.")
    String bootstrap;

    @Option(
            names = "--site",
            paramLabel = "NAME",
            defaultValue = "replica",
            description = "Name of this replica site in statuses (default: ${DEFAULT-VALUE}).")
    String site;

    @Option(
            names = "--flink",
            paramLabel = "HOST:PORT",
            description =
                    "Submit to this Flink cluster (REST address) instead of running locally; the"
                            + " job jar is sent.")
    String flink;

    @Option(
            names = "--group",
            paramLabel = "ID",
            description = "Kafka consumer group (default: exoclone-replicate-SITE).")
    String group;

    @Option(
            names = "--hadoop",
            paramLabel = "KEY=VALUE",
            description = "A Hadoop setting for hdfs:// and s3a:// URIs; repeatable.")
    Map<String, String> hadoop = new LinkedHashMap<>();

    @Option(
            names = "--flink-conf",
            paramLabel = "KEY=VALUE",
            description =
                    "A Flink setting for the job (e.g. restart-strategy.type=none); repeatable.")
    Map<String, String> flinkConf = new LinkedHashMap<>();

    @Option(
            names = "--jar",
            paramLabel = "FILE",
            description =
                    "Job jar to submit with --flink (default: $EXOCLONE_JOB_JAR, else the one mvn"
                            + " package built in flink-jobs/target/job/).")
    Path jar;

    @Option(
            names = "--once",
            description = "Apply what is published now, then exit (no waiting for more).")
    boolean once;

    @Override
    public Integer call() throws Exception {
        CliContext cli = CliContext.of(spec);
        PrintWriter out = cli.out();
        Path pool = cli.poolDir().toAbsolutePath();
        ControlClient.refuseIfServed(pool, "the replica pool of apply");
        ReplicateJob job =
                ReplicateJob.builder()
                        .bootstrap(bootstrap)
                        .poolDir(pool.toString())
                        .site(site)
                        .groupId(group)
                        .hadoopProperties(hadoop)
                        .bounded(once)
                        .build();
        StreamExecutionEnvironment env;
        if (flink == null) {
            KafkaCheck.check(bootstrap, KafkaCheck.TIMEOUT);
            int port = dashboardPort();
            Configuration conf = localConfig(port);
            conf.addAll(Configuration.fromMap(flinkConf));
            env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
            out.println("Flink dashboard: http://127.0.0.1:" + port);
        } else {
            FlinkRest endpoint;
            try {
                endpoint = FlinkRest.parse(flink);
            } catch (InvalidArgumentException e) {
                throw cli.usageError(e.getMessage());
            }
            endpoint.check();
            KafkaCheck.check(bootstrap, KafkaCheck.TIMEOUT);
            env =
                    StreamExecutionEnvironment.createRemoteEnvironment(
                            endpoint.host(),
                            endpoint.port(),
                            Configuration.fromMap(flinkConf),
                            JobJar.find(jar));
            out.println("Submitting to Flink at " + endpoint.uri());
        }
        job.addTo(env);
        try (StopSignal stop = StopSignal.install()) {
            JobClient client = env.executeAsync(job.jobName());
            out.println(
                    "Replicating "
                            + ReplicateJob.PUBLISHED_TOPIC
                            + " from "
                            + bootstrap
                            + " into "
                            + pool
                            + " as site "
                            + site
                            + " (job "
                            + client.getJobID()
                            + ")"
                            + (once ? "" : "; Ctrl-C stops"));
            out.flush();
            CompletableFuture<JobExecutionResult> result = client.getJobExecutionResult();
            while (!result.isDone()) {
                if (stop.stopped()) {
                    // Imports are idempotent and offsets are committed at checkpoints: a
                    // cancelled job loses nothing, the next run goes on from the group's offsets.
                    cli.err().println("Stopping: cancelling job " + client.getJobID() + " ...");
                    cli.err().flush();
                    cancel(client);
                    out.println("Stopped. Run the same command to resume.");
                    return ExitCodes.OK;
                }
                stop.await(Duration.ofMillis(200));
            }
            result.get();
            out.println("Done: every exo-clone published so far is applied or waiting.");
            return ExitCodes.OK;
        }
    }

    /** Cancels the job and waits until its operators have closed (the pool is committed). */
    private static void cancel(JobClient client) {
        try {
            client.cancel().get(30, TimeUnit.SECONDS);
            client.getJobExecutionResult().handle((r, e) -> null).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the job may be gone already; nothing else to stop
        }
    }

    private static Configuration localConfig(int port) {
        Configuration conf = LoopbackFlink.settings();
        conf.set(RestOptions.BIND_PORT, Integer.toString(port));
        return conf;
    }

    /** 8081 when free on 127.0.0.1, else any free port. */
    static int dashboardPort() throws IOException {
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        try (ServerSocket s = new ServerSocket(DASHBOARD_PORT, 1, lo)) {
            return DASHBOARD_PORT;
        } catch (IOException busy) {
            try (ServerSocket s = new ServerSocket(0, 1, lo)) {
                return s.getLocalPort();
            }
        }
    }
}

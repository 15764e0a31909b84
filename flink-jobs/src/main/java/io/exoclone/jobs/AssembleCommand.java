package io.exoclone.jobs;

import io.exoclone.cli.CliContext;
import io.exoclone.cli.ExitCodes;
import io.exoclone.connectors.KafkaCheck;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code exoclone assemble}: runs {@link AssembleJob} on Flink's local environment (dashboard on
 * 127.0.0.1:8081) or submits it to a running cluster with {@code --flink}.
 */
@Command(
        name = "assemble",
        subcommands = AssembleUpgradeCommand.class,
        header = "Turn the change feed into deduplicated exo-clone files (a Flink job).",
        description = {
            "Reads exoclone.node-changes (read_committed), deduplicates chunks globally, writes one"
                    + " exo-clone file per snapshot to --to (hdfs://, s3a:// or file://) exactly"
                    + " once, and publishes each to exoclone.published.",
            "Runs in this process with the Flink dashboard on 127.0.0.1:8081 unless --flink names a"
                    + " cluster's REST endpoint; then the job jar (mvn package,"
                    + " flink-jobs/target/job/) is submitted.",
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  exoclone assemble --bootstrap 127.0.0.1:9092 --to file:///srv/exoclones",
            "  exoclone assemble --bootstrap kafka:9092 --to hdfs://nn:8020/exoclones --flink"
                    + " jm:8081",
        })
final class AssembleCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Kafka bootstrap.")
    String bootstrap;

    @Option(names = "--to", paramLabel = "URI", description = "Base URI for exo-clone files.")
    String to;

    @Option(names = "--flink", paramLabel = "HOST:PORT", description = "Flink REST endpoint.")
    String flink;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "Properties file (keys: see AssembleOptions); flags win over it.")
    Path config;

    @Option(names = "--parallelism", paramLabel = "N", description = "Job parallelism.")
    Integer parallelism;

    @Option(
            names = "--checkpoint-interval",
            paramLabel = "MS",
            description = "Checkpoint interval in milliseconds (default 10000).")
    Long checkpointInterval;

    @Option(
            names = "--state-backend",
            paramLabel = "heap|rocksdb",
            description = "State backend for the dedup index (default heap).")
    String stateBackend;

    @Option(
            names = "--compression",
            paramLabel = "none|lz4",
            description =
                    "Payload of the files: none (default; importers adopt it zero-copy) or lz4"
                            + " (one LZ4 frame per range; smaller, decompressed on import).")
    String compression;

    @Option(
            names = "--checkpoint-dir",
            paramLabel = "URI",
            description =
                    "Where checkpoints go (file://, hdfs://). Default: a directory under java.io.tmpdir"
                            + " when local; the cluster's setting with --flink.")
    String checkpointDir;

    @Option(
            names = "--jar",
            paramLabel = "FILE",
            description = "Job jar to submit with --flink (default: the one mvn package built).")
    Path jar;

    @Override
    public Integer call() throws Exception {
        CliContext cli = CliContext.of(spec);
        AssembleOptions options;
        try {
            AssembleOptions.Builder b = AssembleOptions.builder();
            if (flink == null) {
                // Local runs keep checkpoints on this machine unless told otherwise.
                b.checkpointDir(
                        Path.of(System.getProperty("java.io.tmpdir"), "exoclone-checkpoints")
                                .toUri()
                                .toString());
            }
            if (config != null) {
                b.file(config);
            }
            b.bootstrap(bootstrap)
                    .target(to)
                    .stateBackend(stateBackend)
                    .compression(compression)
                    .checkpointDir(checkpointDir);
            if (parallelism != null) {
                b.parallelism(parallelism);
            }
            if (checkpointInterval != null) {
                b.checkpointIntervalMs(checkpointInterval);
            }
            options = b.build();
        } catch (IllegalArgumentException e) {
            throw cli.usageError(e.getMessage());
        }
        if (flink == null) {
            KafkaCheck.check(options.bootstrap(), KafkaCheck.TIMEOUT);
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(localSettings());
            cli.err().println("Flink dashboard: http://127.0.0.1:8081");
            cli.err().flush();
            AssembleJob.build(env, options);
            env.execute(AssembleJob.JOB_NAME);
            return ExitCodes.OK;
        }
        FlinkRest endpoint;
        try {
            endpoint = FlinkRest.parse(flink);
        } catch (io.exoclone.engine.InvalidArgumentException e) {
            throw cli.usageError(e.getMessage());
        }
        endpoint.check();
        KafkaCheck.check(options.bootstrap(), KafkaCheck.TIMEOUT);
        String jobJar = JobJar.find(jar);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createRemoteEnvironment(
                        endpoint.host(), endpoint.port(), jobJar);
        JobClient job = AssembleJob.start(env, options);
        cli.out().println("Submitted " + AssembleJob.JOB_NAME + " as job " + job.getJobID());
        return ExitCodes.OK;
    }

    private static Configuration localSettings() {
        Configuration c = LoopbackFlink.settings();
        c.set(RestOptions.PORT, 8081);
        return c;
    }
}

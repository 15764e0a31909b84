package io.exoclone.jobs;

import io.exoclone.cli.CliContext;
import io.exoclone.cli.ExitCodes;
import io.exoclone.engine.NotFoundException;
import io.exoclone.jobs.assemble.DedupIndexUpgrade;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code exoclone assemble upgrade-savepoint}: writes a savepoint of an AssembleJob from before the
 * bucketed dedup index anew with the index in the current layout ({@link DedupIndexUpgrade}).
 */
@Command(
        name = "upgrade-savepoint",
        header = "Carry an AssembleJob savepoint's dedup index over to this version's layout.",
        description = {
            "The dedup index of versions before this one is keyed by content hash; this one keeps"
                    + " it in 65,536 buckets (a third of the memory). Flink cannot restore the old"
                    + " index into the new operator, so this reads it from SAVEPOINT (or a"
                    + " retained checkpoint) and writes a new savepoint with it in the new layout"
                    + " and every other operator's state unchanged. Runs in this process (a"
                    + " Flink batch job on 127.0.0.1); no Kafka needed.",
            "Prints the new savepoint's path on stdout: start the new job from it (flink run -s)."
                    + " A savepoint that needs no upgrade is printed as it is. exoclone replicate"
                    + " does this itself when it resumes.",
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  exoclone assemble upgrade-savepoint file:///srv/savepoints/savepoint-1a2b3c-0123",
            "  flink run -s \"$(exoclone assemble upgrade-savepoint hdfs://nn:8020/sp/savepoint-x)\""
                    + " exoclone-flink-jobs-job.jar ...",
        })
final class AssembleUpgradeCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "SAVEPOINT", description = "The savepoint or checkpoint directory.")
    String source;

    @Option(
            names = "--to",
            paramLabel = "DIR",
            description =
                    "Where to write the new savepoint (must not exist; default: SAVEPOINT"
                            + " with -upgraded appended).")
    String target;

    @Option(
            names = "--state-backend",
            paramLabel = "heap|rocksdb",
            description =
                    "The backend the job ran with (default: ${DEFAULT-VALUE}); a savepoint in the"
                            + " canonical format reads with either.",
            defaultValue = "heap")
    String stateBackend;

    @Override
    public Integer call() throws Exception {
        CliContext cli = CliContext.of(spec);
        if (!stateBackend.equals("heap") && !stateBackend.equals("rocksdb")) {
            throw cli.usageError(
                    "--state-backend must be heap or rocksdb, got '" + stateBackend + "'");
        }
        String from = source.endsWith("/") ? source.substring(0, source.length() - 1) : source;
        boolean needed;
        try {
            needed = DedupIndexUpgrade.needed(from);
        } catch (IOException e) {
            throw new NotFoundException(
                    "No savepoint or checkpoint at " + source + " (" + e.getMessage() + ")");
        }
        if (!needed) {
            cli.err()
                    .println(source + " holds no dedup index of an earlier version: nothing to do");
            cli.out().println(source);
            return ExitCodes.OK;
        }
        String to = target != null ? target : from + "-upgraded";
        cli.err().println("Upgrading the dedup index of " + source + " ...");
        cli.err().flush();
        long carried = DedupIndexUpgrade.upgrade(from, to, stateBackend);
        cli.err().println(carried + " content hash(es) carried over into " + to);
        cli.out().println(to);
        return ExitCodes.OK;
    }
}

package io.exoclone.cli;

import io.exoclone.engine.CheckReport;
import io.exoclone.engine.Pool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code exoclone check}: verifies every invariant of the pool. */
@Command(
        name = "check",
        header = "Verify the pool: tree order, reference counts, hashes, free space.",
        description = {
            "Never modifies the pool. Re-reads and re-hashes all data unless --metadata-only.",
            "Exits 0 when healthy; otherwise lists every problem on stdout and exits 5."
        },
        footerHeading = "%nExamples:%n",
        footer = {"  exoclone check", "  exoclone check --metadata-only"})
final class CheckCommand extends PoolCommand {
    @Option(
            names = "--metadata-only",
            description = "Skip re-hashing the data (checks the trees and counts only).")
    boolean metadataOnly;

    @Override
    protected int run(CliContext cli, Pool pool) {
        CheckReport report =
                cli.withSpinner("checking " + pool.directory(), () -> pool.check(!metadataOnly));
        if (report.ok()) {
            cli.out()
                    .printf(
                            "Pool %s is healthy: %d nodes and %d extents checked%n",
                            pool.directory(), report.nodesChecked(), report.extentsChecked());
            return ExitCodes.OK;
        }
        for (String p : report.problems()) {
            cli.out().println(p);
        }
        cli.out().flush();
        cli.err()
                .printf(
                        "exoclone: check found %d problem%s in pool %s%n",
                        report.problems().size(),
                        report.problems().size() == 1 ? "" : "s",
                        pool.directory());
        return ExitCodes.CORRUPT;
    }
}

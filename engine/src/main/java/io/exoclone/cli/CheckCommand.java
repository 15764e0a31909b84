package io.exoclone.cli;

import io.exoclone.engine.CheckReport;
import io.exoclone.engine.Pool;
import io.exoclone.engine.SpaceReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code exoclone check}: verifies every invariant of the pool. */
@Command(
        name = "check",
        header = "Verify the pool: tree order, reference counts, hashes, free space.",
        description = {
            "Never modifies the pool. Re-reads and re-hashes all data unless --metadata-only.",
            "Ends with where the space goes: segment bytes, live bytes, what the segment files"
                    + " occupy on disk, the space reserve, and space leaked by crashes (files or"
                    + " tails no commit names; compact gives it back; a leak is not a problem).",
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
        SpaceReport s = report.space();
        if (report.ok()) {
            cli.out()
                    .printf(
                            "Pool %s is healthy: %d nodes and %d extents checked%n",
                            pool.directory(), report.nodesChecked(), report.extentsChecked());
        }
        cli.out()
                .printf(
                        "Space: %s in segments, %s live, %s dead, %s on disk; reserve %s;"
                                + " leaked %s%s%n",
                        Sizes.human(s.segmentBytes()),
                        Sizes.human(s.liveBytes()),
                        Sizes.human(s.deadBytes()),
                        s.allocatedBytes() < 0 ? "unknown" : Sizes.human(s.allocatedBytes()),
                        s.reserveBytes() == 0 ? "released" : Sizes.human(s.reserveBytes()),
                        Sizes.human(s.leakedBytes()),
                        s.leakedBytes() > 0 ? " (exoclone compact gives it back)" : "");
        for (String leak : s.leaks()) {
            cli.out().println("Leaked: " + leak);
        }
        if (report.ok()) {
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

package io.exoclone.cli;

import io.exoclone.engine.Pool;
import picocli.CommandLine.Command;

/** {@code exoclone compact}: reclaims space of mostly-dead segments. */
@Command(
        name = "compact",
        header = "Reclaim space: rewrite the live data of segments less than half used.",
        description = "Segments nothing references are deleted at every commit anyway.",
        footerHeading = "%nExamples:%n",
        footer = {"  exoclone compact"})
final class CompactCommand extends PoolCommand {
    @Override
    protected int run(CliContext cli, Pool pool) {
        long reclaimed = cli.withSpinner("compacting " + pool.directory(), pool::compact);
        cli.out()
                .printf(
                        "Reclaimed %d bytes (%s) in pool %s%n",
                        reclaimed, Sizes.human(reclaimed), pool.directory());
        return ExitCodes.OK;
    }
}

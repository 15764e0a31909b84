package io.exoclone.cli;

import io.exoclone.engine.Pool;
import picocli.CommandLine.Command;

/** {@code exoclone compact}: gives the space of dead data back to the file system. */
@Command(
        name = "compact",
        header = "Reclaim space: punch out dead ranges, rewrite segments less than half used.",
        description = {
            "Cuts dead tails off segments and punches holes into dead ranges of 256 KiB or more"
                    + " (fallocate --punch-hole, where the file system has it), the open segment"
                    + " included; then rewrites the live data of segments less than half used so"
                    + " they can be deleted, removes what crashes left, and takes the space reserve"
                    + " back. Works on a full file system: the reserve lets its commits through.",
            "Prints the bytes given back to the file system (measured with du), net of bytes"
                    + " copied. Segments nothing references are deleted at every commit anyway."
        },
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

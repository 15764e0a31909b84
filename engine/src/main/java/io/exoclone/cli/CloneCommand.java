package io.exoclone.cli;

import io.exoclone.engine.Pool;
import io.exoclone.engine.Snapshot;
import io.exoclone.engine.Volume;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code exoclone clone SNAP NEWNAME} (alias {@code checkout}). */
@Command(
        name = "clone",
        aliases = "checkout",
        header = "Create a writable volume from a snapshot (O(1), shares all data).",
        description =
                "The new volume's base is the snapshot, so its first snapshot's parent is SNAP.",
        footerHeading = "%nExamples:%n",
        footer = {"  exoclone clone vm1@base vm2", "  exoclone checkout 3f2a1c0e test-restore"})
final class CloneCommand extends PoolCommand {
    @Parameters(index = "0", paramLabel = "SNAP", description = "Snapshot to start from.")
    String snap;

    @Parameters(index = "1", paramLabel = "NEWNAME", description = "Name of the new volume.")
    String newName;

    @Override
    protected int run(CliContext cli, Pool pool) {
        Snapshot s = cli.resolveSnapshot(pool, snap);
        Volume v = pool.clone(s.id(), newName);
        cli.out()
                .println(
                        "Created volume '"
                                + v.name()
                                + "' from snapshot "
                                + Format.snapshot(s)
                                + ", "
                                + Sizes.exact(v.size()));
        return ExitCodes.OK;
    }
}

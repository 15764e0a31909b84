package io.exoclone.cli;

import io.exoclone.engine.Pool;
import io.exoclone.engine.Snapshot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code exoclone snapshot NAME [--tag T]} (alias {@code commit}). */
@Command(
        name = "snapshot",
        aliases = "commit",
        header = "Take an immutable snapshot of a volume (O(1)).",
        description = {
            "The snapshot's parent is the volume's base: its previous snapshot, or the snapshot"
                    + " it was cloned from. The tag names it as NAME@TAG and is unique per volume.",
            "The last line of output is the new snapshot's UUID, for scripts:"
                    + " id=$(exoclone snapshot vm1 | tail -n 1)"
        },
        footerHeading = "%nExamples:%n",
        footer = {"  exoclone snapshot vm1 --tag base", "  exoclone commit vm1"})
final class SnapshotCommand extends PoolCommand {
    @Parameters(paramLabel = "NAME", description = "Volume to snapshot.")
    String name;

    @Option(
            names = {"-t", "--tag"},
            paramLabel = "T",
            description = "Tag, so the snapshot can be named NAME@T.")
    String tag;

    @Override
    protected int run(CliContext cli, Pool pool) {
        cli.resolveVolume(pool, name);
        Snapshot s = pool.snapshot(name, tag);
        cli.out()
                .println(
                        "Snapshot of volume '"
                                + name
                                + "'"
                                + s.tag().map(t -> " tagged '" + t + "'").orElse("")
                                + ", parent "
                                + s.parentId().map(Object::toString).orElse("none")
                                + ", generation "
                                + s.generation()
                                + ", root hash "
                                + s.rootHashHex().substring(0, 16));
        cli.out().println(s.id());
        return ExitCodes.OK;
    }
}

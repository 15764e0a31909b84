package io.exoclone.cli;

import io.exoclone.engine.MergeResult;
import io.exoclone.engine.Pool;
import io.exoclone.engine.Snapshot;
import io.exoclone.engine.Volume;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code exoclone rebase NAME --onto SNAP}. */
@Command(
        name = "rebase",
        header = "Replay a volume's changes since its base onto another snapshot.",
        description =
                "Like git rebase --onto: the ranges the volume changed since its base snapshot are"
                        + " applied on top of SNAP (data is shared, not copied), and SNAP becomes"
                        + " the volume's base, so its next snapshot names SNAP as parent.",
        footerHeading = "%nExamples:%n",
        footer = {"  exoclone rebase feature --onto main@v2"})
final class RebaseCommand extends PoolCommand {
    @Parameters(paramLabel = "NAME", description = "Volume to rebase.")
    String name;

    @Option(
            names = "--onto",
            required = true,
            paramLabel = "SNAP",
            description = "New base snapshot.")
    String onto;

    @Override
    protected int run(CliContext cli, Pool pool) {
        Volume v = cli.resolveVolume(pool, name);
        Snapshot target = cli.resolveSnapshot(pool, onto);
        MergeResult r = pool.rebase(v.name(), target.id());
        long bytes = r.applied().stream().mapToLong(x -> x.length()).sum();
        cli.out()
                .printf(
                        "Rebased '%s' onto %s: replayed %d range(s), %s%n",
                        v.name(), Format.snapshot(target), r.applied().size(), Sizes.human(bytes));
        return ExitCodes.OK;
    }
}

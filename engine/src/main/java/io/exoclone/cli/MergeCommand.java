package io.exoclone.cli;

import io.exoclone.engine.MergeResult;
import io.exoclone.engine.MergeStrategy;
import io.exoclone.engine.Pool;
import io.exoclone.engine.Snapshot;
import io.exoclone.engine.SnapshotDiff;
import io.exoclone.engine.Volume;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code exoclone merge NAME SNAP [--strategy fail|ours|theirs]}. */
@Command(
        name = "merge",
        header = "Three-way merge of a snapshot into a volume, then a merge commit.",
        description = {
            "Compares both sides with their nearest common ancestor at block-range granularity:"
                    + " ranges changed on one side only are taken; ranges changed differently on"
                    + " both sides are conflicts, listed and resolved by --strategy (fail, the"
                    + " default, changes nothing and exits 7; ours keeps the volume's bytes;"
                    + " theirs takes SNAP's).",
            "On success a snapshot of the volume is taken that records both parents; its UUID is"
                    + " the last line printed."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  exoclone merge main feature@done",
            "  exoclone merge main feature@done --strategy theirs --tag merged"
        })
final class MergeCommand extends PoolCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "Volume to merge into.")
    String name;

    @Parameters(index = "1", paramLabel = "SNAP", description = "Snapshot to merge.")
    String snap;

    @Option(
            names = "--strategy",
            paramLabel = "fail|ours|theirs",
            defaultValue = "fail",
            description = "How to resolve conflicts (default: ${DEFAULT-VALUE}).")
    String strategy;

    @Option(names = "--tag", paramLabel = "T", description = "Tag of the merge commit.")
    String tag;

    @Override
    protected int run(CliContext cli, Pool pool) {
        MergeStrategy st;
        try {
            st = MergeStrategy.valueOf(strategy.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw cli.usageError("Unknown strategy '" + strategy + "'; use fail, ours or theirs");
        }
        Volume v = cli.resolveVolume(pool, name);
        Snapshot other = cli.resolveSnapshot(pool, snap);
        MergeResult r = pool.merge(v.name(), other.id(), st, tag);
        for (SnapshotDiff.ChangedRange c : r.conflicts()) {
            cli.out()
                    .printf(
                            "conflict: blocks %d+%d (bytes %d..%d), resolved %s%n",
                            c.startBlock(),
                            c.blocks(),
                            c.offset(),
                            c.offset() + c.length(),
                            st == MergeStrategy.OURS ? "ours" : "theirs");
        }
        Snapshot commit = r.snapshot().orElseThrow();
        cli.out()
                .printf(
                        "Merged %s into '%s' (ancestor %s): took %d range(s), %d conflict(s);"
                                + " merge commit %s%n",
                        Format.snapshot(other),
                        v.name(),
                        r.ancestor().map(Format::snapshot).orElse("none"),
                        r.applied().size(),
                        r.conflicts().size(),
                        Format.snapshot(commit));
        cli.out().println(commit.id());
        return ExitCodes.OK;
    }
}

package io.exoclone.cli;

import io.exoclone.engine.Pool;
import io.exoclone.engine.Snapshot;
import io.exoclone.engine.SnapshotDiff;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code exoclone diff SNAP_A SNAP_B [--json]}: changed block ranges between two snapshots. */
@Command(
        name = "diff",
        header = "Show the block ranges that differ between two snapshots.",
        description = {
            "Walks both B-trees together and descends only where they differ, so the cost grows"
                    + " with the change, not with the volume. Prints each changed range (byte"
                    + " offset, length, and 'data' or 'zero' for trimmed or unwritten content in"
                    + " SNAP_B), then the totals and the number of B-tree nodes visited.",
            "With only SNAP_A, compares it with its parent (or with an empty volume when it has"
                    + " none)."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  exoclone diff vm1@base vm1@v2",
            "  exoclone diff vm1@v2 --json | jq .changedBytes"
        })
final class DiffCommand extends PoolCommand {
    @Parameters(index = "0", paramLabel = "SNAP_A", description = "The older snapshot.")
    String a;

    @Parameters(
            index = "1",
            arity = "0..1",
            paramLabel = "SNAP_B",
            description = "The newer snapshot (default: compare SNAP_A with its parent).")
    String b;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Override
    protected int run(CliContext cli, Pool pool) {
        Snapshot first = cli.resolveSnapshot(pool, a);
        SnapshotDiff diff;
        if (b != null) {
            diff = pool.diff(first.id(), cli.resolveSnapshot(pool, b).id());
        } else {
            Snapshot parent = first.parentId().flatMap(pool::findSnapshot).orElse(null);
            diff =
                    parent == null
                            ? pool.diffFromEmpty(first.id())
                            : pool.diff(parent.id(), first.id());
        }
        if (json) {
            cli.printJson(toJson(diff));
        } else {
            printText(cli, diff);
        }
        return ExitCodes.OK;
    }

    private static void printText(CliContext cli, SnapshotDiff diff) {
        var out = cli.out();
        out.println(
                "diff "
                        + (diff.from() == null ? "(empty)" : Format.snapshot(diff.from()))
                        + " -> "
                        + Format.snapshot(diff.to()));
        if (!diff.ranges().isEmpty()) {
            out.printf("%-16s %-16s %s%n", "OFFSET", "LENGTH", "CONTENT");
        }
        for (SnapshotDiff.ChangedRange r : diff.ranges()) {
            out.printf("%-16d %-16d %s%n", r.offset(), r.length(), r.zero() ? "zero" : "data");
        }
        out.printf(
                "%d changed range%s, %d bytes (%s), %d nodes visited%n",
                diff.ranges().size(),
                diff.ranges().size() == 1 ? "" : "s",
                diff.changedBytes(),
                Sizes.human(diff.changedBytes()),
                diff.nodesVisited());
    }

    static Map<String, Object> toJson(SnapshotDiff diff) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("from", diff.from() == null ? null : diff.from().id().toString());
        m.put("fromRef", diff.from() == null ? null : Format.ref(diff.from()));
        m.put("to", diff.to().id().toString());
        m.put("toRef", Format.ref(diff.to()));
        m.put("blockSize", Pool.BLOCK_SIZE);
        List<Map<String, Object>> ranges = new ArrayList<>();
        for (SnapshotDiff.ChangedRange r : diff.ranges()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("offset", r.offset());
            x.put("length", r.length());
            x.put("startBlock", r.startBlock());
            x.put("blocks", r.blocks());
            x.put("zero", r.zero());
            ranges.add(x);
        }
        m.put("ranges", ranges);
        m.put("changedRanges", diff.ranges().size());
        m.put("changedBytes", diff.changedBytes());
        m.put("nodesVisited", diff.nodesVisited());
        return m;
    }
}

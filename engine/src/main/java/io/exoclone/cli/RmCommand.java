package io.exoclone.cli;

import io.exoclone.engine.Pool;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code exoclone rm NAME|SNAP...}: deletes volumes and snapshots. */
@Command(
        name = "rm",
        header = "Delete volumes or snapshots; space nothing else uses is freed.",
        description = {
            "A volume name wins over a snapshot prefix. Every argument is resolved before"
                    + " anything is deleted, so a typo deletes nothing.",
            "Deleting a snapshot does not touch its clones or child snapshots: they keep sharing"
                    + " the data, and their lineage stops at the missing parent."
        },
        footerHeading = "%nExamples:%n",
        footer = {"  exoclone rm vm2", "  exoclone rm vm1@old 3f2a1c0e"})
final class RmCommand extends PoolCommand {
    @Parameters(
            paramLabel = "NAME|SNAP",
            arity = "1..*",
            description = "Volumes (by name) or snapshots to delete.")
    List<String> names;

    @Override
    protected int run(CliContext cli, Pool pool) {
        List<ImageRef> refs = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (String n : names) {
            ImageRef r = cli.resolveImage(pool, n);
            if (seen.add(key(r))) {
                refs.add(r);
            }
        }
        for (ImageRef r : refs) {
            if (r.volume().isPresent()) {
                pool.deleteVolume(r.volume().get().name());
            } else {
                pool.deleteSnapshot(r.snapshot().get().id());
            }
            cli.out().println("Deleted " + r.describe());
        }
        return ExitCodes.OK;
    }

    private static String key(ImageRef r) {
        return r.volume().map(v -> "v:" + v.name()).orElseGet(() -> "s:" + r.snapshot().get().id());
    }
}

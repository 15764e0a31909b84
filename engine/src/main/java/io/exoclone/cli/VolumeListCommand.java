package io.exoclone.cli;

import io.exoclone.engine.Pool;
import io.exoclone.engine.Volume;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code exoclone volume list}. */
@Command(
        name = "list",
        aliases = "ls",
        header = "List volumes, one per line.",
        description = {
            "Columns: name, size (exact, with a suffix when it divides evenly), base snapshot"
                    + " (the parent of the volume's next snapshot, '-' when none).",
            "No header line, so scripts can read it with 'while read name size base'."
        },
        footerHeading = "%nExamples:%n",
        footer = {"  exoclone volume list", "  exoclone volume list --json"})
final class VolumeListCommand extends PoolCommand {
    @Option(names = "--json", description = "Print a JSON array instead.")
    boolean json;

    @Override
    protected int run(CliContext cli, Pool pool) {
        List<Volume> volumes = pool.volumes();
        if (json) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Volume v : volumes) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", v.name());
                m.put("id", v.id().toString());
                m.put("size", v.size());
                m.put("baseSnapshot", v.baseSnapshotId().map(Object::toString).orElse(null));
                out.add(m);
            }
            cli.printJson(out);
            return ExitCodes.OK;
        }
        int width = 1;
        for (Volume v : volumes) {
            width = Math.max(width, v.name().length());
        }
        for (Volume v : volumes) {
            cli.out()
                    .printf(
                            "%-" + width + "s  %8s  %s%n",
                            v.name(),
                            Sizes.exact(v.size()),
                            v.baseSnapshotId().map(Object::toString).orElse("-"));
        }
        return ExitCodes.OK;
    }
}

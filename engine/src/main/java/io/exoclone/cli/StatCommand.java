package io.exoclone.cli;

import io.exoclone.engine.Pool;
import io.exoclone.engine.PoolStats;
import io.exoclone.engine.SpaceStats;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code exoclone stat [--json]}: space accounting. */
@Command(
        name = "stat",
        header = "Show space used by the pool, each volume and each snapshot.",
        description = {
            "LOGICAL is the image size; ALLOCATED the bytes its B-tree maps; of those, SHARED are"
                    + " also mapped by another volume or snapshot and EXCLUSIVE only by it (what"
                    + " deleting it would free)."
        },
        footerHeading = "%nExamples:%n",
        footer = {"  exoclone stat", "  exoclone stat --json | jq '.entries[].exclusive'"})
final class StatCommand extends PoolCommand {
    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Override
    protected int run(CliContext cli, Pool pool) {
        PoolStats st = pool.stat();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("pool", pool.directory().toAbsolutePath().toString());
            m.put("generation", st.generation());
            m.put("dataBytesLive", st.dataBytesLive());
            m.put("dataBytesOnDisk", st.dataBytesOnDisk());
            m.put("nodePagesLive", st.nodePagesLive());
            m.put("nodePagesTotal", st.nodePagesTotal());
            List<Map<String, Object>> entries = new ArrayList<>();
            for (SpaceStats e : st.entries()) {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("name", e.name());
                x.put("kind", e.kind());
                x.put("logical", e.logical());
                x.put("allocated", e.allocated());
                x.put("shared", e.shared());
                x.put("exclusive", e.exclusive());
                entries.add(x);
            }
            m.put("entries", entries);
            cli.printJson(m);
            return ExitCodes.OK;
        }
        PrintWriter out = cli.out();
        out.printf("Pool %s, generation %d%n", pool.directory().toAbsolutePath(), st.generation());
        out.printf(
                "Data: %s live, %s in segment files; B-tree: %d of %d node pages live%n",
                Sizes.human(st.dataBytesLive()),
                Sizes.human(st.dataBytesOnDisk()),
                st.nodePagesLive(),
                st.nodePagesTotal());
        if (st.entries().isEmpty()) {
            return ExitCodes.OK;
        }
        int width = "NAME".length();
        for (SpaceStats e : st.entries()) {
            width = Math.max(width, e.name().length());
        }
        String fmt = "%-" + width + "s  %-8s  %10s  %10s  %10s  %10s%n";
        out.println();
        out.printf(fmt, "NAME", "KIND", "LOGICAL", "ALLOCATED", "SHARED", "EXCLUSIVE");
        for (SpaceStats e : st.entries()) {
            out.printf(
                    fmt,
                    e.name(),
                    e.kind(),
                    Sizes.human(e.logical()),
                    Sizes.human(e.allocated()),
                    Sizes.human(e.shared()),
                    Sizes.human(e.exclusive()));
        }
        return ExitCodes.OK;
    }
}

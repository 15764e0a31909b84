package io.exoclone.cli;

import io.exoclone.engine.Pool;
import io.exoclone.engine.Snapshot;
import io.exoclone.engine.Volume;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code exoclone log [NAME|SNAP]}: snapshot lineage. */
@Command(
        name = "log",
        header = "Show the lineage of a volume or snapshot, newest first.",
        description = {
            "For a snapshot: it, its parent, its parent's parent, and so on. For a volume: the"
                    + " same from the volume's base snapshot, after a line that names the base and"
                    + " says whether the volume changed since.",
            "Each line: UUID, creation time (UTC), generation, NAME@TAG.",
            "Without an argument: every snapshot in the pool as a graph grouped by the volume it"
                    + " was taken of, with the points where clones forked."
        },
        footerHeading = "%nExamples:%n",
        footer = {"  exoclone log vm1", "  exoclone log vm1@base --json", "  exoclone log"})
final class LogCommand extends PoolCommand {
    @Parameters(
            paramLabel = "NAME|SNAP",
            arity = "0..1",
            description = "Volume or snapshot (default: the whole pool as a graph).")
    String image;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Override
    protected int run(CliContext cli, Pool pool) {
        if (image == null) {
            if (json) {
                cli.printJson(Map.of("snapshots", toJson(pool.snapshots())));
            } else {
                printGraph(cli.out(), pool);
            }
            return ExitCodes.OK;
        }
        ImageRef ref = cli.resolveImage(pool, image);
        Optional<UUID> start = ref.snapshot().map(Snapshot::id);
        Boolean modified = null;
        if (ref.volume().isPresent()) {
            Volume v = ref.volume().get();
            start = v.baseSnapshotId();
            if (start.isPresent()) {
                Optional<Snapshot> base = pool.findSnapshot(start.get());
                modified = base.map(s -> !Arrays.equals(s.rootHash(), v.rootHash())).orElse(null);
            }
        }
        List<Snapshot> lineage =
                start.flatMap(pool::findSnapshot).map(s -> pool.lineage(s.id())).orElse(List.of());
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("volume", ref.volume().map(Volume::name).orElse(null));
            m.put(
                    "base",
                    ref.volume()
                            .flatMap(Volume::baseSnapshotId)
                            .map(Object::toString)
                            .orElse(null));
            m.put("modifiedSinceBase", modified);
            m.put("snapshots", toJson(lineage));
            cli.printJson(m);
            return ExitCodes.OK;
        }
        PrintWriter out = cli.out();
        if (ref.volume().isPresent()) {
            String name = ref.volume().get().name();
            if (start.isEmpty()) {
                out.println("Volume '" + name + "' has no snapshots yet");
                return ExitCodes.OK;
            }
            if (lineage.isEmpty()) {
                out.println(
                        "Volume '"
                                + name
                                + "' is based on snapshot "
                                + start.get()
                                + ", which is no longer in the pool");
                return ExitCodes.OK;
            }
            out.println(
                    "Volume '"
                            + name
                            + "' is based on snapshot "
                            + start.get()
                            + (Boolean.TRUE.equals(modified)
                                    ? " and has changed since"
                                    : " and has not changed since"));
        }
        for (Snapshot s : lineage) {
            out.println(line(s, s.id().toString()));
        }
        Snapshot oldest = lineage.get(lineage.size() - 1);
        oldest.parentId()
                .ifPresent(p -> out.println("(parent " + p + " is no longer in the pool)"));
        return ExitCodes.OK;
    }

    private static String line(Snapshot s, String id) {
        return id
                + "  "
                + Format.time(s.created())
                + "  gen "
                + s.generation()
                + "  "
                + Format.ref(s)
                + s.mergeParentId().map(m -> "  merge " + Format.shortId(m)).orElse("");
    }

    /** Every snapshot grouped by volume, newest first, with fork points. */
    private static void printGraph(PrintWriter out, Pool pool) {
        List<Snapshot> all = pool.snapshots();
        Map<UUID, Snapshot> byId = new LinkedHashMap<>();
        Map<String, List<Snapshot>> groups = new TreeMap<>();
        for (Snapshot s : all) {
            byId.put(s.id(), s);
            groups.computeIfAbsent(s.volume(), k -> new ArrayList<>()).add(s);
        }
        Map<String, Volume> volumes = new LinkedHashMap<>();
        for (Volume v : pool.volumes()) {
            volumes.put(v.name(), v);
            groups.computeIfAbsent(v.name(), k -> new ArrayList<>());
        }
        if (groups.isEmpty()) {
            out.println("No volumes or snapshots in pool " + pool.directory());
            return;
        }
        for (Map.Entry<String, List<Snapshot>> g : groups.entrySet()) {
            out.println(g.getKey() + "  " + heading(volumes.get(g.getKey()), byId));
            List<Snapshot> list = g.getValue();
            list.sort(Comparator.comparingLong(Snapshot::generation).reversed());
            for (int i = 0; i < list.size(); i++) {
                Snapshot s = list.get(i);
                out.println("* " + line(s, Format.shortId(s.id())));
                UUID next = i + 1 < list.size() ? list.get(i + 1).id() : null;
                if (s.parentId().isPresent() && !s.parentId().get().equals(next)) {
                    Snapshot p = byId.get(s.parentId().get());
                    out.println(
                            p == null
                                    ? "|  parent "
                                            + Format.shortId(s.parentId().get())
                                            + " (deleted)"
                                    : (p.volume().equals(s.volume()) ? "|  parent " : "|\\ from ")
                                            + Format.shortId(p.id())
                                            + " ("
                                            + Format.ref(p)
                                            + ")");
                }
            }
        }
    }

    private static String heading(Volume v, Map<UUID, Snapshot> byId) {
        if (v == null) {
            return "(volume deleted)";
        }
        String base =
                v.baseSnapshotId()
                        .map(
                                id ->
                                        byId.containsKey(id)
                                                ? "at "
                                                        + Format.shortId(id)
                                                        + " ("
                                                        + Format.ref(byId.get(id))
                                                        + ")"
                                                : "at " + Format.shortId(id) + " (deleted)")
                        .orElse("no snapshots");
        return "(volume, " + Sizes.exact(v.size()) + ", " + base + ")";
    }

    private static List<Map<String, Object>> toJson(List<Snapshot> snapshots) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Snapshot s : snapshots) {
            out.add(SnapshotJson.of(s));
        }
        return out;
    }
}

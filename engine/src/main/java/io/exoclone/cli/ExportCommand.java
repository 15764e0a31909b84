package io.exoclone.cli;

import io.exoclone.engine.Pool;
import io.exoclone.engine.Snapshot;
import io.exoclone.format.Compression;
import io.exoclone.format.Exporter;
import io.exoclone.format.Signing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code exoclone export SNAP --to FILE [--compress lz4] [--dry-run] [--sign KEY]}. */
@Command(
        name = "export",
        header = "Write a snapshot's change against its parent as an exo-clone file.",
        description = {
            "The change is found by diffing the snapshot's B-tree against its parent's, visiting"
                    + " only modified nodes: the cost grows with the change, never with the volume."
                    + " A snapshot without a parent exports its whole image (a first exo-clone).",
            "Blocks already present in the parent's lineage (moved or copied data) become dedup"
                    + " references; identical blocks within the export are stored once.",
            "The file is written to a temporary name (.FILE.UUID.tmp) and renamed into place when"
                    + " complete; a failed or interrupted export removes it, and the next export"
                    + " into the directory removes those of exports that were killed (it says so).",
            "Every extent is checked against its SHA-256 as it is read: damaged storage fails the"
                    + " export (exit 5)."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  exoclone export vm1@v2 --to vm1-v2.exo",
            "  exoclone export vm1@v2 --to vm1-v2.exo --compress lz4 --sign release.key",
            "  exoclone export vm1@v2 --dry-run",
            "  exoclone export vm1@v3 --since vm1@v1 --to v1-to-v3.exo   (fast-forward)"
        })
final class ExportCommand extends PoolCommand {
    @Parameters(paramLabel = "SNAP", description = "Snapshot to export.")
    String snap;

    @Option(names = "--to", paramLabel = "FILE", description = "File to write.")
    Path to;

    @Option(
            names = "--compress",
            paramLabel = "lz4",
            description = "Compress each data chunk as a standard LZ4 frame.")
    String compress;

    @Option(
            names = "--dry-run",
            description = "Print the exact size the file would have; write nothing.")
    boolean dryRun;

    @Option(
            names = "--sign",
            paramLabel = "KEY",
            description = "Sign with this Ed25519 private key (from keygen).")
    Path sign;

    @Option(
            names = "--since",
            paramLabel = "SNAP",
            description = "Export against this ancestor instead of the parent (a fast-forward).")
    String since;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Override
    protected int run(CliContext cli, Pool pool) throws Exception {
        if (to == null && !dryRun) {
            throw cli.usageError("Missing --to FILE (or --dry-run)");
        }
        Compression c = Compression.NONE;
        if (compress != null) {
            if (!compress.equalsIgnoreCase("lz4")) {
                throw cli.usageError(
                        "Unknown compression '" + compress + "'; only lz4 is supported");
            }
            c = Compression.LZ4;
        }
        if (to != null && Files.isDirectory(to)) {
            throw cli.usageError(to + " is a directory; give a file name");
        }
        Snapshot s = cli.resolveSnapshot(pool, snap);
        Snapshot base = since == null ? null : cli.resolveSnapshot(pool, since);
        Exporter.Result r;
        try (Progress bar = cli.progress("export", s.size())) {
            long[] last = {0};
            r =
                    Exporter.export(
                            pool,
                            s.id(),
                            base == null ? null : base.id(),
                            dryRun ? null : to,
                            c,
                            sign == null ? Optional.empty() : Optional.of(Signing.readSigner(sign)),
                            done -> {
                                bar.advance(done - last[0]);
                                last[0] = done;
                            });
        }
        for (Path stale : r.removedStale()) {
            cli.err()
                    .println(
                            "exoclone: removed "
                                    + stale
                                    + ", the temporary file of an export that did not finish");
        }
        if (json) {
            Map<String, Object> j = new LinkedHashMap<>(); // the same key order on every run
            j.put("uuid", r.id().toString());
            j.put("parent", r.parent().map(Object::toString).orElse(""));
            j.put("dedupUuids", r.dedupIds().stream().map(Object::toString).toList());
            j.put("fileBytes", r.fileBytes());
            j.put("dataBytes", r.dataBytes());
            j.put("dedupBytes", r.dedupBytes());
            j.put("zeroBytes", r.zeroBytes());
            j.put("nodesVisited", r.nodesVisited());
            j.put("dryRun", dryRun);
            j.put("file", to == null ? "" : to.toString());
            cli.printJson(j);
            return ExitCodes.OK;
        }
        cli.out()
                .printf(
                        "%s %s: %s changed (%s data, %s dedup, %s zero), %d ranges, %d nodes"
                                + " visited, parent %s%n",
                        dryRun ? "Would write" : "Wrote " + to + ",",
                        Sizes.exact(r.fileBytes()),
                        Sizes.human(r.changedBytes()),
                        Sizes.human(r.dataBytes()),
                        Sizes.human(r.dedupBytes()),
                        Sizes.human(r.zeroBytes()),
                        r.ranges(),
                        r.nodesVisited(),
                        r.parent().map(Object::toString).orElse("none (first exo-clone)"));
        cli.out().println(dryRun ? Long.toString(r.fileBytes()) : r.id().toString());
        return ExitCodes.OK;
    }
}

package io.exoclone.cli;

import io.exoclone.engine.Pool;
import io.exoclone.engine.StagedFile;
import io.exoclone.format.Importer;
import io.exoclone.format.Signing;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code exoclone import FILE|- [--trust PUBKEY] [--copy|--move]}: prints the UUID. */
@Command(
        name = "import",
        header = "Verify an exo-clone file and import it as a snapshot (zero-copy when it can).",
        description = {
            "1. Verify: header, every checksum, the whole-file digest, the signature with --trust;"
                    + " the parent and every dedup UUID must be in the pool (a missing one is"
                    + " named).",
            "2. Rebuild the snapshot's tree from the metadata on top of its parent.",
            "3. Adopt an uncompressed payload in place as a data segment of the pool. The file is"
                    + " first taken into the pool, and what is verified is the pool's copy: a"
                    + " reflink (shared extents, no copy) where the file system clones (btrfs, XFS,"
                    + " bcachefs), else one copy. The pool never shares an inode with your file:"
                    + " changing or deleting the file later changes nothing in the pool.",
            "   --move takes the file over instead: it is renamed into the pool (zero-copy) when"
                    + " it is on the pool's file system and has no other name, else copied; either"
                    + " way it is gone after a successful import and left as it was otherwise."
                    + " An LZ4 payload is decompressed once.",
            "Nothing becomes visible unless every step succeeds and the rebuilt volume has the"
                    + " file's Merkle root. Importing an exo-clone already present does nothing."
                    + " The last line printed is the UUID."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  exoclone --pool /srv/b import vm1-v1.exo",
            "  exoclone --pool /srv/b import vm1-v2.exo --trust release.key.pub",
            "  exoclone --pool /srv/b import --move /srv/b.staging/vm1-v3.exo   (zero-copy)",
            "  ssh site-a cat /srv/out/vm1-v4.exo | exoclone --pool /srv/b import -"
        })
final class ImportCommand extends PoolCommand {
    @Parameters(
            paramLabel = "FILE",
            description = "Exo-clone file to import (a regular file), or '-' for stdin.")
    Path file;

    @Option(
            names = "--trust",
            paramLabel = "PUBKEY",
            description = "Require a valid signature by this public key.")
    Path trust;

    @Option(
            names = "--copy",
            description = "Write the payload into the pool instead of adopting the file.")
    boolean copy;

    @Option(
            names = "--move",
            description =
                    "Take the file over: rename it into the pool (zero-copy on the same file"
                            + " system), removing it from where it was once imported.")
    boolean move;

    @Override
    protected int run(CliContext cli, Pool pool) throws Exception {
        if (copy && move) {
            throw cli.usageError("--copy and --move exclude each other");
        }
        Optional<PublicKey> trusted =
                trust == null ? Optional.empty() : Optional.of(Signing.readPublicKey(trust));
        Importer.Mode mode = copy ? Importer.Mode.COPY : move ? Importer.Mode.MOVE : null;
        Importer.Result r =
                cli.withSpinner(
                        "import",
                        () ->
                                file.toString().equals("-")
                                        ? Importer.importStream(pool, cli.stdin(), trusted)
                                        : Importer.importFile(
                                                pool,
                                                file,
                                                trusted,
                                                mode == null ? Importer.Mode.ADOPT : mode));
        if (r.alreadyPresent()) {
            cli.out()
                    .println(
                            "Already present: "
                                    + Format.snapshot(r.snapshot())
                                    + "; nothing to do");
        } else {
            cli.out()
                    .printf(
                            "Imported %s: %s in place (%s), %s written, %s deduplicated; root"
                                    + " %s%n",
                            Format.snapshot(r.snapshot()),
                            Sizes.human(r.adoptedBytes()),
                            r.transfer().map(ImportCommand::how).orElse("none adopted"),
                            Sizes.human(r.copiedBytes()),
                            Sizes.human(r.dedupBytes()),
                            r.snapshot().rootHashHex());
        }
        cli.out().println(r.snapshot().id());
        return ExitCodes.OK;
    }

    private static String how(StagedFile.Method m) {
        switch (m) {
            case REFLINK:
                return "reflinked: no copy";
            case MOVE:
                return "moved in: no copy";
            default:
                return "copied once";
        }
    }
}

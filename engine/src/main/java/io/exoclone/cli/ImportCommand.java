package io.exoclone.cli;

import io.exoclone.engine.Pool;
import io.exoclone.format.Importer;
import io.exoclone.format.Signing;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code exoclone import FILE [--trust PUBKEY]}: prints the UUID. */
@Command(
        name = "import",
        header = "Verify an exo-clone file and import it as a snapshot (zero-copy when it can).",
        description = {
            "1. Verify: header, every checksum, the whole-file digest, the signature with --trust;"
                    + " the parent and every dedup UUID must be in the pool (a missing one is"
                    + " named).",
            "2. Rebuild the snapshot's tree from the metadata on top of its parent.",
            "3. Adopt an uncompressed payload in place: the file becomes a read-only data segment"
                    + " of the pool (a hard link on the same file system; one copy otherwise)."
                    + " An LZ4 payload is decompressed once. Do not modify an imported file"
                    + " afterwards; deleting it is fine.",
            "Nothing becomes visible unless every step succeeds and the rebuilt volume has the"
                    + " file's Merkle root. Importing an exo-clone already present does nothing."
                    + " The last line printed is the UUID."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  exoclone --pool /srv/b import vm1-v1.exo",
            "  exoclone --pool /srv/b import vm1-v2.exo --trust release.key.pub"
        })
final class ImportCommand extends PoolCommand {
    @Parameters(paramLabel = "FILE", description = "Exo-clone file to import.")
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

    @Override
    protected int run(CliContext cli, Pool pool) throws Exception {
        Importer.Result r =
                cli.withSpinner(
                        "import",
                        () ->
                                Importer.importFile(
                                        pool,
                                        file,
                                        trust == null
                                                ? Optional.empty()
                                                : Optional.of(Signing.readPublicKey(trust)),
                                        copy));
        if (r.alreadyPresent()) {
            cli.out()
                    .println(
                            "Already present: "
                                    + Format.snapshot(r.snapshot())
                                    + "; nothing to do");
        } else {
            cli.out()
                    .printf(
                            "Imported %s: %s in place (zero-copy), %s written, %s deduplicated; root"
                                    + " %s%n",
                            Format.snapshot(r.snapshot()),
                            Sizes.human(r.adoptedBytes()),
                            Sizes.human(r.copiedBytes()),
                            Sizes.human(r.dedupBytes()),
                            r.snapshot().rootHashHex());
        }
        cli.out().println(r.snapshot().id());
        return ExitCodes.OK;
    }
}

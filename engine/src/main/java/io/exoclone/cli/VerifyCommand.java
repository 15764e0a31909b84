package io.exoclone.cli;

import io.exoclone.format.ExocloneReader;
import io.exoclone.format.Signing;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code exoclone verify FILE [--trust PUBKEY]}: every check of import that needs no pool. */
@Command(
        name = "verify",
        header = "Check an exo-clone file without a pool: checksums, digest, ranges, signature.",
        description =
                "Exit 0 when the file is intact (and signed by PUBKEY with --trust); exit 5 with"
                        + " the file, offset and what was expected otherwise.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  exoclone verify vm1-v2.exo",
            "  exoclone verify vm1-v2.exo --trust release.key.pub"
        })
final class VerifyCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "Exo-clone file.")
    Path file;

    @Option(
            names = "--trust",
            paramLabel = "PUBKEY",
            description = "Require a valid signature by this public key.")
    Path trust;

    @Override
    public Integer call() throws Exception {
        CliContext cli = CliContext.of(spec);
        try (ExocloneReader r = ExocloneReader.open(file)) {
            cli.withSpinner(
                    "verify",
                    () -> {
                        r.verify(
                                trust == null
                                        ? Optional.empty()
                                        : Optional.of(Signing.readPublicKey(trust)));
                        return null;
                    });
            cli.out()
                    .println(
                            "OK "
                                    + r.header().uuid()
                                    + (trust == null
                                            ? ""
                                            : " (signature valid for " + trust + ")"));
        }
        return ExitCodes.OK;
    }
}

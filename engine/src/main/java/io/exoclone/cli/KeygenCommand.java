package io.exoclone.cli;

import io.exoclone.format.Signing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code exoclone keygen --out KEY}: an Ed25519 key pair, KEY and KEY.pub. */
@Command(
        name = "keygen",
        header = "Make an Ed25519 key pair for signing exo-clones: KEY and KEY.pub.",
        description =
                "Keep KEY private (export --sign KEY); share KEY.pub (import/verify --trust).",
        footerHeading = "%nExamples:%n",
        footer = {"  exoclone keygen --out release.key"})
final class KeygenCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "KEY",
            description = "Private key file to create.")
    Path out;

    @Override
    public Integer call() {
        CliContext cli = CliContext.of(spec);
        if (Files.exists(out) || Files.exists(Signing.publicKeyPath(out))) {
            throw cli.usageError(out + " or its .pub already exists; refusing to overwrite a key");
        }
        Signing.writeKeyPair(Signing.generateKeyPair(), out);
        cli.out()
                .println(
                        "Wrote private key "
                                + out
                                + " and public key "
                                + Signing.publicKeyPath(out));
        return ExitCodes.OK;
    }
}

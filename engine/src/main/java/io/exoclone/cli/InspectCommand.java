package io.exoclone.cli;

import io.exoclone.format.ExocloneReader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code exoclone inspect FILE [--json]}: no pool needed. */
@Command(
        name = "inspect",
        header = "Describe an exo-clone file: header, lineage, sections, ranges, bytes.",
        description =
                "Reads the trailer, header and metadata; use 'verify' to check every checksum.",
        footerHeading = "%nExamples:%n",
        footer = {"  exoclone inspect vm1-v2.exo", "  exoclone inspect vm1-v2.exo --json"})
final class InspectCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "Exo-clone file.")
    Path file;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Override
    public Integer call() {
        CliContext cli = CliContext.of(spec);
        try (ExocloneReader r = ExocloneReader.open(file)) {
            if (json) {
                cli.printJson(r.inspect());
            } else {
                cli.out().print(r.inspect().toText());
                cli.out().flush();
            }
        }
        return ExitCodes.OK;
    }
}

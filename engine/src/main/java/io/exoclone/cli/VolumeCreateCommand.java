package io.exoclone.cli;

import io.exoclone.engine.Pool;
import io.exoclone.engine.Volume;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code exoclone volume create NAME --size SIZE}. */
@Command(
        name = "create",
        header = "Create an empty thin-provisioned volume.",
        description = {
            "The size is a multiple of 4096 bytes; no space is used until data is written.",
            "Names use 1-128 letters, digits, '.', '_' or '-'."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  exoclone volume create vm1 --size 4G",
            "  exoclone volume create scratch -s 64M"
        })
final class VolumeCreateCommand extends PoolCommand {
    @Parameters(paramLabel = "NAME", description = "Name of the new volume.")
    String name;

    @Option(
            names = {"-s", "--size"},
            paramLabel = "SIZE",
            required = true,
            converter = Sizes.Converter.class,
            description = "Logical size, for example 4G.")
    long size;

    @Override
    protected int run(CliContext cli, Pool pool) {
        Volume v = pool.createVolume(name, size);
        cli.out()
                .println(
                        "Created volume '"
                                + v.name()
                                + "' of "
                                + Sizes.exact(size)
                                + " ("
                                + size
                                + " bytes)");
        return ExitCodes.OK;
    }
}

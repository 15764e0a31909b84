package io.exoclone.cli;

import io.exoclone.engine.Pool;
import io.exoclone.engine.Volume;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code exoclone trim NAME --offset N --length N}: discards a range of a volume. */
@Command(
        name = "trim",
        header = "Discard a range of a volume: it reads as zeros and its space can be freed.",
        description = "Partial blocks at the edges are zeroed; whole blocks are unmapped.",
        footerHeading = "%nExamples:%n",
        footer = {"  exoclone trim vm1 --offset 1G --length 512M"})
final class TrimCommand extends PoolCommand {
    @Parameters(paramLabel = "NAME", description = "Volume to trim.")
    String name;

    @Option(
            names = {"-o", "--offset"},
            paramLabel = "N",
            defaultValue = "0",
            converter = Sizes.Converter.class,
            description = "First byte to discard (default: 0).")
    long offset;

    @Option(
            names = {"-l", "--length"},
            paramLabel = "N",
            converter = Sizes.Converter.class,
            description = "Bytes to discard (default: to the end of the volume).")
    Long length;

    @Override
    protected int run(CliContext cli, Pool pool) {
        Volume volume = cli.resolveVolume(pool, name);
        long len = length != null ? length : Math.max(0, volume.size() - offset);
        volume.trim(offset, len);
        pool.sync();
        cli.out()
                .printf(
                        "Trimmed %d bytes (%s) of volume '%s' at offset %d%n",
                        len, Sizes.human(len), name, offset);
        return ExitCodes.OK;
    }
}

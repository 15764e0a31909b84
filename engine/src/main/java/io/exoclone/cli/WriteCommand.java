package io.exoclone.cli;

import io.exoclone.engine.InvalidArgumentException;
import io.exoclone.engine.Pool;
import io.exoclone.engine.Volume;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code exoclone write NAME --offset N [--from FILE]}: streams bytes into a volume. */
@Command(
        name = "write",
        header = "Write bytes from a file or stdin into a volume.",
        description = {
            "Streams the input in 1 MiB chunks at increasing offsets, so inputs of any size work."
                    + " Any offset and length are allowed (partial blocks are read, modified and"
                    + " written). All-zero blocks stay unallocated.",
            "The input must fit between the offset and the end of the volume; a file that does"
                    + " not is rejected before anything is written. A write is atomic: one commit"
                    + " makes all of it visible or nothing changes. Input that cannot be sized"
                    + " (stdin, '-', a FIFO, a device such as /dev/zero) is written as it arrives"
                    + " into a hidden copy of the volume that replaces it only when the input"
                    + " ended in time; input that turns out too long changes nothing (exit 2).",
            "Snapshot the volume afterwards to record a point in time."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  exoclone write vm1 --from disk.img",
            "  exoclone write vm1 --offset 1M --from patch.bin",
            "  printf 'hello' | exoclone write vm1 --offset 4093"
        })
final class WriteCommand extends PoolCommand {
    /** Chunks are aligned to multiples of this in the volume, so only the first may be partial. */
    static final int CHUNK = 1 << 20;

    @Parameters(paramLabel = "NAME", description = "Volume to write to.")
    String name;

    @Option(
            names = {"-o", "--offset"},
            paramLabel = "N",
            defaultValue = "0",
            converter = Sizes.Converter.class,
            description = "Byte offset in the volume to write at (default: 0).")
    long offset;

    @Option(
            names = {"-f", "--from"},
            paramLabel = "FILE",
            description = "Read the data from FILE ('-' for stdin, the default).")
    Path from;

    @Override
    protected int run(CliContext cli, Pool pool) throws IOException {
        Volume volume = cli.resolveVolume(pool, name);
        long size = volume.size();
        if (offset > size) {
            throw new InvalidArgumentException(
                    "Offset "
                            + offset
                            + " is past the end of volume '"
                            + name
                            + "' ("
                            + size
                            + " bytes)");
        }
        long total = -1;
        if (from != null && !from.toString().equals("-") && Files.isRegularFile(from)) {
            total = Files.size(from);
            if (total > size - offset) {
                throw new InvalidArgumentException(
                        String.format(
                                "%s has %d bytes, more than the %d bytes from offset %d to the end"
                                        + " of volume '%s' (%d bytes)",
                                from, total, size - offset, offset, name, size));
            }
        }
        long written;
        try (Progress progress = cli.progress("write " + name, total)) {
            long[] last = {0};
            java.util.function.LongConsumer advance =
                    done -> {
                        progress.advance(done - last[0]);
                        last[0] = done;
                    };
            if (from == null || from.toString().equals("-")) {
                written = volume.writeAtomically(offset, cli.stdin(), advance);
            } else {
                try (InputStream in = Files.newInputStream(from)) {
                    written = volume.writeAtomically(offset, in, advance);
                }
            }
        }
        cli.out()
                .printf(
                        "Wrote %d bytes (%s) to volume '%s' at offset %d%n",
                        written, Sizes.human(written), name, offset);
        return ExitCodes.OK;
    }
}

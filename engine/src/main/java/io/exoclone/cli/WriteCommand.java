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
                    + " not is rejected before anything is written. Input from stdin is written"
                    + " as it arrives: if it turns out too long, what came before stays written.",
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
            description = "Read the data from FILE instead of stdin.")
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
        if (from != null && Files.isRegularFile(from)) {
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
            if (from == null) {
                written = copy(cli.stdin(), volume, size, progress);
            } else {
                try (InputStream in = Files.newInputStream(from)) {
                    written = copy(in, volume, size, progress);
                }
            }
        }
        pool.sync();
        cli.out()
                .printf(
                        "Wrote %d bytes (%s) to volume '%s' at offset %d%n",
                        written, Sizes.human(written), name, offset);
        return ExitCodes.OK;
    }

    private long copy(InputStream in, Volume volume, long size, Progress progress)
            throws IOException {
        byte[] buf = new byte[CHUNK];
        long pos = offset;
        while (true) {
            int want = (int) Math.min(CHUNK - pos % CHUNK, size - pos);
            if (want == 0) {
                if (in.read() >= 0) {
                    throw new InvalidArgumentException(
                            String.format(
                                    "The input is longer than the %d bytes from offset %d to the"
                                            + " end of volume '%s'; its first %d bytes were"
                                            + " written",
                                    size - offset, offset, name, pos - offset));
                }
                return pos - offset;
            }
            int n = in.readNBytes(buf, 0, want);
            if (n > 0) {
                volume.write(pos, buf, 0, n);
                pos += n;
                progress.advance(n);
            }
            if (n < want) {
                return pos - offset;
            }
        }
    }
}

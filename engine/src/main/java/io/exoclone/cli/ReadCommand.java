package io.exoclone.cli;

import io.exoclone.engine.InvalidArgumentException;
import io.exoclone.engine.Pool;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code exoclone read NAME|SNAP [--offset N --length N] [--to FILE]}: streams an image out. */
@Command(
        name = "read",
        header = "Read a volume or snapshot image to stdout or a file.",
        description = {
            "Without --offset and --length, reads the whole image (unwritten ranges read as"
                    + " zeros). Streams in 1 MiB chunks, so images of any size work.",
            "With --to, all-zero chunks are left as holes in the file (a sparse file).",
            "Every extent read is checked against its SHA-256 (--verify, the default): damaged"
                    + " storage is an error (exit 5) naming the segment file and offset, never"
                    + " wrong bytes. --no-verify skips the check."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  exoclone read vm1 --to vm1.img",
            "  exoclone read vm1@base --offset 1M --length 4K | xxd | head",
            "  exoclone read 3f2a1c0e > snap.img"
        })
final class ReadCommand extends PoolCommand {
    private static final int CHUNK = WriteCommand.CHUNK;
    private static final byte[] ZEROS = new byte[CHUNK];

    @Parameters(paramLabel = "NAME|SNAP", description = "Volume name, or snapshot.")
    String image;

    @Option(
            names = {"-o", "--offset"},
            paramLabel = "N",
            defaultValue = "0",
            converter = Sizes.Converter.class,
            description = "First byte to read (default: 0).")
    long offset;

    @Option(
            names = {"-l", "--length"},
            paramLabel = "N",
            converter = Sizes.Converter.class,
            description = "Bytes to read (default: to the end of the image).")
    Long length;

    @Option(
            names = {"-t", "--to"},
            paramLabel = "FILE",
            description = "Write to FILE (created or truncated) instead of stdout; '-' is stdout.")
    Path to;

    @Option(
            names = "--verify",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description =
                    "Check what is read against the extents' SHA-256 (default; --no-verify"
                            + " skips it).")
    boolean verify;

    @Override
    protected int run(CliContext cli, Pool pool) throws IOException {
        ImageRef ref = cli.resolveImage(pool, image);
        long size = ref.size();
        if (offset > size) {
            throw new InvalidArgumentException(
                    "Offset " + offset + " is past the end of " + ref + " (" + size + " bytes)");
        }
        long len = length != null ? length : size - offset;
        if (len > size - offset) {
            throw new InvalidArgumentException(
                    String.format(
                            "Range [%d, %d) is outside %s of %d bytes",
                            offset, offset + len, ref, size));
        }
        if (to == null || to.toString().equals("-")) {
            OutputStream out = cli.stdout();
            try (Progress progress = cli.progress("read " + image, len)) {
                copy(pool, ref, len, progress, (buf, n, pos) -> out.write(buf, 0, n));
            }
            out.flush();
            return ExitCodes.OK;
        }
        try (RandomAccessFile file = new RandomAccessFile(to.toFile(), "rw");
                Progress progress = cli.progress("read " + image, len)) {
            file.setLength(0);
            file.setLength(len);
            FileChannel ch = file.getChannel();
            copy(
                    pool,
                    ref,
                    len,
                    progress,
                    (buf, n, pos) -> {
                        if (!Arrays.equals(buf, 0, n, ZEROS, 0, n)) {
                            ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
                            while (b.hasRemaining()) {
                                ch.write(b, pos + b.position());
                            }
                        }
                    });
        }
        cli.out().printf("Read %d bytes (%s) of %s into %s%n", len, Sizes.human(len), ref, to);
        return ExitCodes.OK;
    }

    /** Receives one chunk: {@code n} bytes of {@code buf}, for output position {@code pos}. */
    private interface Sink {
        void accept(byte[] buf, int n, long pos) throws IOException;
    }

    private void copy(Pool pool, ImageRef ref, long len, Progress progress, Sink sink)
            throws IOException {
        long pos = offset;
        long end = offset + len;
        while (pos < end) {
            int n = (int) Math.min(CHUNK - pos % CHUNK, end - pos);
            byte[] chunk = verify ? ref.readVerified(pool, pos, n) : ref.read(pool, pos, n);
            sink.accept(chunk, n, pos - offset);
            pos += n;
            progress.advance(n);
        }
    }
}

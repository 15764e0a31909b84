package io.exoclone.connectors.fs;

import io.exoclone.engine.ExocloneException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LeaseRecoverable;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.IOUtils;

/**
 * An in-progress file on a file system that can truncate and append ({@code file://}, {@code
 * hdfs://}): persisting is an hsync; resuming truncates the file back to the persisted length and
 * appends. On HDFS a file still open by a failed writer has its lease recovered first, and a
 * truncate that cuts a block waits for the block recovery to finish (the file is closed again).
 */
final class TruncatingFile implements InProgressFile {
    private static final long RECOVERY_TIMEOUT_MS = 120_000;

    private final FileSystem fs;
    private final Path path;
    private final URI uri;
    private final long resumedLength;
    private final FSDataOutputStream out;
    private final CountingStream stream;

    private TruncatingFile(
            FileSystem fs, Path path, URI uri, long resumedLength, FSDataOutputStream out) {
        this.fs = fs;
        this.path = path;
        this.uri = uri;
        this.resumedLength = resumedLength;
        this.out = out;
        this.stream = new CountingStream(() -> out, resumedLength);
    }

    static TruncatingFile create(FileSystem fs, URI uri) throws IOException {
        Path p = new Path(uri);
        return new TruncatingFile(fs, p, uri, 0, fs.create(p, true));
    }

    static TruncatingFile resume(FileSystem fs, URI uri, long length) throws IOException {
        Path p = new Path(uri);
        if (fs.exists(p)) {
            // The length a name node reports for a file still open is stale (hsync does not
            // update it): let the failed writer's lease go first.
            waitUntilClosed(fs, p, true);
        }
        long now = lengthOf(fs, p);
        if (now < length) {
            throw new ExocloneException(
                    String.format(
                            "Cannot resume %s from %d bytes: it holds %d (-1: missing)",
                            uri, length, now));
        }
        if (now > length && !fs.truncate(p, length)) {
            // HDFS: the last block is being recovered to the new length; append after that.
            waitUntilClosed(fs, p, false);
        }
        long after = lengthOf(fs, p);
        if (after != length) {
            throw new ExocloneException(
                    String.format("Truncating %s to %d bytes left %d bytes", uri, length, after));
        }
        return new TruncatingFile(fs, p, uri, length, fs.append(p));
    }

    private static long lengthOf(FileSystem fs, Path p) throws IOException {
        return fs.exists(p) ? fs.getFileStatus(p).getLen() : -1;
    }

    /** HDFS only: waits until no writer holds {@code p} (recovering a dead writer's lease). */
    private static void waitUntilClosed(FileSystem fs, Path p, boolean recoverLease)
            throws IOException {
        if (!(fs instanceof LeaseRecoverable lr) || lr.isFileClosed(p)) {
            return;
        }
        if (recoverLease) {
            lr.recoverLease(p);
        }
        long deadline = System.currentTimeMillis() + RECOVERY_TIMEOUT_MS;
        while (!lr.isFileClosed(p)) {
            if (System.currentTimeMillis() > deadline) {
                throw new IOException(
                        "Lease or block recovery of " + p + " did not finish in time");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("Interrupted waiting for recovery of " + p, e);
            }
        }
    }

    @Override
    public URI uri() {
        return uri;
    }

    @Override
    public OutputStream stream() {
        return stream;
    }

    @Override
    public long length() {
        return stream.count();
    }

    @Override
    public long persist() throws IOException {
        out.hsync();
        return stream.count();
    }

    @Override
    public InputStream readResumed() throws IOException {
        InputStream in = fs.open(path);
        return new BoundedInput(in, resumedLength);
    }

    @Override
    public URI complete() throws IOException {
        out.close();
        return uri;
    }

    @Override
    public void abort() throws IOException {
        IOUtils.closeStream(out);
        fs.delete(path, false);
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}

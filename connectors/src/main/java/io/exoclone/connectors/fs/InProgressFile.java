package io.exoclone.connectors.fs;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;

/**
 * An exo-clone file being written under its in-progress name that can continue after a restart:
 * bytes go to {@link #stream()}, {@link #persist()} makes everything written so far durable and
 * returns its length, and {@link ExocloneFileStore#resumeInProgress} continues from such a length,
 * dropping whatever was written after it. {@link #complete()} leaves the whole file under {@link
 * #uri()}, ready for {@link ExocloneFileStore#commit}.
 *
 * <p>Two implementations, chosen by {@link ExocloneFileStore#resumeMode()}: one file, truncated
 * back on resume ({@code file://}, {@code hdfs://}), or one part object per persisted interval,
 * copied into the file at the end (object stores, which can neither truncate nor append).
 */
public interface InProgressFile extends Closeable {
    /** Where the complete file will be. */
    URI uri();

    /** Appends to the file; closing it does nothing. */
    OutputStream stream();

    /** Bytes written so far (including any not yet persisted). */
    long length();

    /**
     * Makes every byte written so far durable (hsync, or a finished part object) and returns their
     * number: the length to resume from.
     */
    long persist() throws IOException;

    /** Reads the bytes this file was resumed with (its first bytes, up to the resume length). */
    InputStream readResumed() throws IOException;

    /** Finishes writing: afterwards the whole file is under {@link #uri()}. */
    URI complete() throws IOException;

    /** Closes and deletes everything written for this file (the file, parts). */
    void abort() throws IOException;

    /**
     * Releases the file without finishing or deleting it (an operator that stops): it can be
     * resumed from its last persisted length.
     */
    @Override
    void close() throws IOException;
}

package io.exoclone.connectors.fs;

import io.exoclone.engine.ExocloneException;
import java.io.Closeable;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CommonPathCapabilities;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.IOUtils;

/**
 * Exo-clone files under one base URI: {@code <base>/<volume>/<uuid>.exo}, written first as {@code
 * <base>/<volume>/.<uuid>.exo.inprogress} and renamed by {@link #commit}.
 *
 * <p>The in-progress name is a pure function of the volume and the exo-clone UUID, so a writer that
 * repeats a file after a failure overwrites its own earlier attempt instead of leaving an orphan.
 * On {@code file://} the raw local file system is used (no {@code .crc} side files).
 */
public final class ExocloneFileStore implements Closeable {
    /** File name suffix of a committed exo-clone. */
    public static final String SUFFIX = ".exo";

    /** File name suffix of an exo-clone being written. */
    public static final String IN_PROGRESS_SUFFIX = ".exo.inprogress";

    /** What {@link #commit} found. */
    public enum CommitOutcome {
        /** The in-progress file was renamed to its final name. */
        COMMITTED,
        /** The final file was already there with the expected size (a repeated commit). */
        ALREADY_COMMITTED
    }

    /**
     * Hadoop property that overrides how in-progress files survive a restart: {@code truncate} or
     * {@code parts} (default: {@code truncate} where the file system can truncate and append).
     */
    public static final String RESUME_MODE_PROPERTY = "exoclone.in-progress.resume-mode";

    /** How an {@link InProgressFile} continues after a restart. */
    public enum ResumeMode {
        /** One file, truncated back to the last persisted length ({@code file://}, HDFS). */
        TRUNCATE,
        /** One part object per persisted interval, joined at the end (S3 and other stores). */
        PARTS
    }

    private final URI base;
    private final FileSystem fs;
    private final ResumeMode resumeMode;

    private ExocloneFileStore(URI base, FileSystem fs, ResumeMode resumeMode) {
        this.base = base;
        this.fs = fs;
        this.resumeMode = resumeMode;
    }

    /**
     * Opens the store at {@code base} with extra Hadoop settings (for example the {@code fs.s3a.*}
     * endpoint and credentials); the caller closes it.
     */
    public static ExocloneFileStore open(URI base, Map<String, String> hadoopProperties) {
        Objects.requireNonNull(base, "base");
        if (base.getScheme() == null) {
            throw new IllegalArgumentException(
                    "Base URI must name a scheme (hdfs://, s3a://, file://), got " + base);
        }
        Configuration conf = new Configuration();
        conf.set("fs.file.impl", "org.apache.hadoop.fs.RawLocalFileSystem");
        hadoopProperties.forEach(conf::set);
        String text = base.toString();
        URI normalized = URI.create(text.endsWith("/") ? text : text + "/");
        try {
            FileSystem fs = FileSystem.newInstance(normalized, conf);
            return new ExocloneFileStore(normalized, fs, resumeMode(fs, normalized, conf));
        } catch (IOException e) {
            throw new ExocloneException(
                    "Cannot open file system at " + base + ": " + e.getMessage(), e);
        }
    }

    private static ResumeMode resumeMode(FileSystem fs, URI base, Configuration conf)
            throws IOException {
        String forced = conf.get(RESUME_MODE_PROPERTY);
        if (forced != null) {
            try {
                return ResumeMode.valueOf(forced.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        RESUME_MODE_PROPERTY + " must be truncate or parts, got '" + forced + "'");
            }
        }
        Path p = new Path(base);
        return fs.hasPathCapability(p, CommonPathCapabilities.FS_TRUNCATE)
                        && fs.hasPathCapability(p, CommonPathCapabilities.FS_APPEND)
                ? ResumeMode.TRUNCATE
                : ResumeMode.PARTS;
    }

    public URI base() {
        return base;
    }

    /** How in-progress files of this store continue after a restart. */
    public ResumeMode resumeMode() {
        return resumeMode;
    }

    /**
     * Starts exo-clone {@code id} under its in-progress name, replacing whatever an earlier attempt
     * left there; the caller completes, aborts or closes it.
     */
    public InProgressFile startInProgress(String volume, UUID id) throws IOException {
        URI uri = inProgressUri(volume, id);
        return resumeMode == ResumeMode.TRUNCATE
                ? TruncatingFile.create(fs, uri)
                : PartedFile.create(fs, uri);
    }

    /**
     * Continues the in-progress file of exo-clone {@code id} from {@code length} bytes, a length
     * its {@link InProgressFile#persist()} returned: anything written after it is dropped.
     *
     * @throws ExocloneException when fewer than {@code length} bytes were persisted
     */
    public InProgressFile resumeInProgress(String volume, UUID id, long length) throws IOException {
        URI uri = inProgressUri(volume, id);
        URI committed = finalUri(volume, id);
        boolean gone =
                resumeMode == ResumeMode.TRUNCATE
                        ? size(uri) < 0
                        : !fs.exists(PartedFile.partsDir(uri));
        if (gone && size(committed) >= length) {
            // Restored from a checkpoint taken before this file was committed (an older savepoint):
            // the committed file starts with the very bytes to resume from.
            try (InProgressFile seed = startInProgress(volume, id);
                    InputStream in = fs.open(new Path(committed))) {
                IOUtils.copyBytes(in, seed.stream(), length, false);
                seed.persist();
            }
        }
        return resumeMode == ResumeMode.TRUNCATE
                ? TruncatingFile.resume(fs, uri, length)
                : PartedFile.resume(fs, uri, length);
    }

    /** Deletes whatever an in-progress exo-clone left (the file, its parts); idempotent. */
    public void deleteInProgress(String volume, UUID id) throws IOException {
        URI uri = inProgressUri(volume, id);
        PartedFile.deleteParts(fs, PartedFile.partsDir(uri));
        delete(uri);
    }

    /** Where the committed file of exo-clone {@code id} of volume {@code volume} lives. */
    public URI finalUri(String volume, UUID id) {
        return base.resolve(checkName(volume) + "/" + id + SUFFIX);
    }

    /** Where exo-clone {@code id} is written before it is committed. */
    public URI inProgressUri(String volume, UUID id) {
        return base.resolve(checkName(volume) + "/." + id + IN_PROGRESS_SUFFIX);
    }

    /** Creates (or overwrites) the file at {@code uri}; the caller closes the stream. */
    public OutputStream create(URI uri) throws IOException {
        return fs.create(new Path(uri), true);
    }

    /** Size of the file at {@code uri}, or -1 when there is none. */
    public long size(URI uri) throws IOException {
        try {
            FileStatus st = fs.getFileStatus(new Path(uri));
            return st.isFile() ? st.getLen() : -1;
        } catch (FileNotFoundException e) {
            return -1;
        }
    }

    /** Deletes the file at {@code uri} if it exists. */
    public void delete(URI uri) throws IOException {
        fs.delete(new Path(uri), false);
    }

    /**
     * Publishes {@code inProgress} as {@code target}. Idempotent: when {@code target} already holds
     * {@code expectedBytes} bytes the commit happened before (the in-progress file, if still there,
     * is removed).
     *
     * @throws ExocloneException when neither file is there, or the final file has another size
     */
    public CommitOutcome commit(URI inProgress, URI target, long expectedBytes) throws IOException {
        long existing = size(target);
        if (existing == expectedBytes) {
            delete(inProgress);
            deleteParts(inProgress);
            return CommitOutcome.ALREADY_COMMITTED;
        }
        if (existing >= 0) {
            throw new ExocloneException(
                    String.format(
                            "Cannot commit %s: %s already exists with %d bytes, expected %d",
                            inProgress, target, existing, expectedBytes));
        }
        long pending = size(inProgress);
        if (pending != expectedBytes) {
            throw new ExocloneException(
                    String.format(
                            "Cannot commit %s to %s: in-progress file has %d bytes, expected %d"
                                    + " (-1: missing)",
                            inProgress, target, pending, expectedBytes));
        }
        if (!fs.rename(new Path(inProgress), new Path(target))) {
            if (size(target) == expectedBytes) {
                deleteParts(inProgress);
                return CommitOutcome.ALREADY_COMMITTED;
            }
            throw new IOException("Rename of " + inProgress + " to " + target + " failed");
        }
        deleteParts(inProgress);
        return CommitOutcome.COMMITTED;
    }

    /** The parts a {@link ResumeMode#PARTS} file keeps until it is committed. */
    private void deleteParts(URI inProgress) throws IOException {
        if (resumeMode == ResumeMode.PARTS) {
            PartedFile.deleteParts(fs, PartedFile.partsDir(inProgress));
        }
    }

    @Override
    public void close() throws IOException {
        fs.close();
    }

    private static String checkName(String volume) {
        if (volume == null
                || volume.isEmpty()
                || volume.contains("/")
                || volume.startsWith(".")
                || volume.contains(":")) {
            throw new IllegalArgumentException(
                    "Volume directory name must be non-empty without '/', ':' or a leading '.',"
                            + " got '"
                            + volume
                            + "'");
        }
        return volume;
    }
}

package io.exoclone.connectors.fs;

import io.exoclone.engine.ExocloneException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.TreeMap;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.IOUtils;

/**
 * An in-progress file on a store that can neither truncate nor append (S3): the bytes between two
 * {@link #persist()} calls become one part object {@code .<uuid>.exo.parts/<start offset>}, which
 * the store makes visible only when it is complete. Resuming keeps the parts below the resume
 * length and deletes any later ones (written after the checkpoint the job restored from). {@link
 * #complete()} renames a single part to the in-progress name (on S3 a server-side copy) or copies
 * several into it through this process, then deletes the parts.
 *
 * <p>The cost: a file that spans several persists is uploaded once as parts, downloaded once and
 * uploaded again as the whole file, and resuming downloads the parts once to take over the file
 * digest.
 */
final class PartedFile implements InProgressFile {
    private final FileSystem fs;
    private final URI uri;
    private final Path dir;
    private final long resumedLength;

    /** Complete parts: start offset to length. */
    private final TreeMap<Long, Long> parts = new TreeMap<>();

    private final CountingStream stream;
    private FSDataOutputStream current;
    private long currentStart;

    private PartedFile(FileSystem fs, URI uri, Path dir, long resumedLength) {
        this.fs = fs;
        this.uri = uri;
        this.dir = dir;
        this.resumedLength = resumedLength;
        this.stream = new CountingStream(this::currentPart, resumedLength);
    }

    static Path partsDir(URI inProgress) {
        Path p = new Path(inProgress);
        return new Path(p.getParent(), p.getName() + ".parts");
    }

    static PartedFile create(FileSystem fs, URI uri) throws IOException {
        Path dir = partsDir(uri);
        deleteParts(fs, dir);
        fs.delete(new Path(uri), false);
        return new PartedFile(fs, uri, dir, 0);
    }

    static PartedFile resume(FileSystem fs, URI uri, long length) throws IOException {
        Path dir = partsDir(uri);
        PartedFile f = new PartedFile(fs, uri, dir, length);
        TreeMap<Long, Long> found = new TreeMap<>();
        if (fs.exists(dir)) {
            for (FileStatus st : fs.listStatus(dir)) {
                long start = Long.parseLong(st.getPath().getName());
                if (start >= length) {
                    fs.delete(st.getPath(), false); // written after the checkpoint
                } else {
                    found.put(start, st.getLen());
                }
            }
        }
        long next = 0;
        for (var e : found.entrySet()) {
            if (e.getKey() != next) {
                throw new ExocloneException(
                        String.format(
                                "Cannot resume %s: part at %d missing (found %s)",
                                uri, next, found));
            }
            next += e.getValue();
        }
        if (next != length) {
            throw new ExocloneException(
                    String.format(
                            "Cannot resume %s from %d bytes: its parts hold %d (%s)",
                            uri, length, next, found));
        }
        f.parts.putAll(found);
        return f;
    }

    /**
     * Deletes the parts one object at a time, then the directory: a recursive delete would be a
     * bulk delete, which some S3-compatible stores do not implement.
     */
    static void deleteParts(FileSystem fs, Path dir) throws IOException {
        if (!fs.exists(dir)) {
            return;
        }
        for (FileStatus st : fs.listStatus(dir)) {
            fs.delete(st.getPath(), false);
        }
        fs.delete(dir, false);
    }

    private Path partPath(long start) {
        return new Path(dir, String.format("%020d", start));
    }

    private OutputStream currentPart() throws IOException {
        if (current == null) {
            currentStart = stream.count();
            current = fs.create(partPath(currentStart), true);
        }
        return current;
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
        if (current != null) {
            current.close();
            parts.put(currentStart, stream.count() - currentStart);
            current = null;
        }
        return stream.count();
    }

    @Override
    public InputStream readResumed() throws IOException {
        List<InputStream> ins = new ArrayList<>();
        for (var e : parts.headMap(resumedLength).keySet()) {
            ins.add(fs.open(partPath(e)));
        }
        Enumeration<InputStream> en = Collections.enumeration(ins);
        return new BoundedInput(new SequenceInputStream(en), resumedLength);
    }

    /**
     * A single part (no checkpoint persisted this file before: nothing can resume it) is renamed,
     * which S3 does server-side. Several parts are copied into the file and kept: until the file is
     * committed, a restore may still resume from them. {@link ExocloneFileStore#commit} deletes
     * them.
     */
    @Override
    public URI complete() throws IOException {
        boolean persistedBefore = !parts.isEmpty();
        persist();
        Path target = new Path(uri);
        fs.delete(target, false);
        if (!persistedBefore && parts.size() == 1) {
            if (!fs.rename(partPath(0), target)) {
                throw new IOException("Rename of " + partPath(0) + " to " + target + " failed");
            }
            deleteParts(fs, dir);
        } else {
            try (FSDataOutputStream out = fs.create(target, true)) {
                for (long start : parts.keySet()) {
                    try (InputStream in = fs.open(partPath(start))) {
                        IOUtils.copyBytes(in, out, 256 * 1024, false);
                    }
                }
            }
        }
        return uri;
    }

    @Override
    public void abort() throws IOException {
        drop();
        deleteParts(fs, dir);
        fs.delete(new Path(uri), false);
    }

    @Override
    public void close() throws IOException {
        drop();
    }

    /** Drops the unfinished part: it lies after the last persist, so a resume would delete it. */
    private void drop() {
        if (current != null) {
            try {
                current.abort();
            } catch (UnsupportedOperationException e) {
                IOUtils.closeStream(current);
            }
            current = null;
        }
    }
}

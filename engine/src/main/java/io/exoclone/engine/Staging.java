package io.exoclone.engine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The pool's {@code staging/} directory: files taken in for an import before they are verified and
 * adopted as data segments. A file moved in has a sidecar {@code NAME.origin} holding its original
 * path, so that after a crash before the import's commit, opening the pool puts it back.
 */
final class Staging {
    static final String DIR = "staging";
    private static final String ORIGIN = ".origin";

    private final Path dir;
    private final FileLayer layer;

    Staging(Path poolDir, FileLayer layer) {
        this.dir = poolDir.resolve(DIR);
        this.layer = layer;
    }

    static Path originFile(Path staged) {
        return staged.resolveSibling(staged.getFileName() + ORIGIN);
    }

    /** Hard links of a file (1 where the file system does not say). */
    static int links(Path p) {
        try {
            return (Integer) Files.getAttribute(p, "unix:nlink");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return 1;
        }
    }

    boolean holds(Path file) {
        return dir.equals(file.toAbsolutePath().getParent());
    }

    /**
     * Takes {@code file} in: renamed (with {@code move}, when it is on this file system and has no
     * other name), else cloned or copied; with {@code move} a copied original is removed once an
     * import adopts the copy.
     */
    StagedFile take(Path file, boolean move) throws IOException {
        layer.createDirectories(dir);
        Path staged = dir.resolve(UUID.randomUUID() + ".exo");
        Path source = file.toAbsolutePath();
        if (move && links(source) == 1) {
            Path origin = originFile(staged);
            try (FileLayer.Handle h = layer.open(origin, true)) {
                h.write(
                        java.nio.ByteBuffer.wrap(
                                source.toString().getBytes(StandardCharsets.UTF_8)),
                        0);
                h.force();
            }
            if (layer.moveAtomically(source, staged)) {
                layer.syncDirectory(dir);
                layer.syncDirectory(source.getParent());
                return new StagedFile(staged, StagedFile.Method.MOVE, source, false);
            }
            layer.delete(origin);
        }
        StagedFile.Method how = layer.cloneOrCopy(source, staged);
        return new StagedFile(staged, how, source, move);
    }

    /** Copies a stream (for example stdin) in. */
    StagedFile take(InputStream in) throws IOException {
        layer.createDirectories(dir);
        Path staged = dir.resolve(UUID.randomUUID() + ".exo");
        try {
            Files.copy(in, staged);
            try (var ch = java.nio.channels.FileChannel.open(staged, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(staged);
            throw e;
        }
        return new StagedFile(staged, StagedFile.Method.COPY, null, false);
    }

    /** After the commit that adopted {@code staged}: its name and sidecar go, the segment stays. */
    void discard(Path staged) {
        try {
            layer.delete(staged);
            layer.delete(originFile(staged));
        } catch (IOException e) {
            // Removed at the next open: a staged name with a second link is a committed segment.
        }
    }

    /**
     * At open, after orphan segments are gone: a staged file still linked to a segment was adopted
     * (drop the name); a moved one goes back to its original name when that is free; the rest is
     * deleted. Returns what it did, one line per file.
     */
    List<String> recover() throws IOException {
        List<String> done = new ArrayList<>();
        if (!layer.exists(dir)) {
            return done;
        }
        for (Path p : layer.list(dir)) {
            String n = p.getFileName().toString();
            if (n.endsWith(ORIGIN)) {
                continue;
            }
            Path origin = originFile(p);
            if (links(p) == 1 && layer.exists(origin)) {
                Path back = Path.of(new String(Files.readAllBytes(origin), StandardCharsets.UTF_8));
                if (!Files.exists(back) && layer.moveAtomically(p, back)) {
                    done.add("Put " + back + " back: its import did not commit");
                }
            }
            if (layer.exists(p)) {
                layer.delete(p);
            }
            layer.delete(origin);
        }
        for (Path p : layer.list(dir)) {
            layer.delete(p); // sidecars without a staged file
        }
        return done;
    }

    /** Bytes of files in the directory (none once the pool is open and idle). */
    long bytes() throws IOException {
        long total = 0;
        if (layer.exists(dir)) {
            for (Path p : layer.list(dir)) {
                total += Files.size(p);
            }
        }
        return total;
    }
}

package io.exoclone.jobs.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where one job of the pipeline keeps its state between runs: {@code BASE/checkpoints/} (retained
 * on cancellation and on crashes) and {@code BASE/savepoints/} (written when the pipeline stops),
 * plus {@code BASE/last-savepoint}, the path of the last savepoint as text. A run resumes from the
 * newest of them.
 *
 * <p>Checkpoints are only looked at when BASE is a local directory; on other file systems the
 * recorded savepoint is the restore point.
 */
final class RestorePoints {
    private static final String METADATA = "_metadata";
    private static final String LAST = "last-savepoint";

    private final URI base;
    private final Path local;
    private final Path record;

    /**
     * @param base a URI Flink can write (file://, hdfs://, s3a://)
     * @param recordDir a local directory for {@code last-savepoint}
     */
    RestorePoints(URI base, Path recordDir) {
        this.base = base;
        this.local = "file".equals(base.getScheme()) ? Path.of(base) : null;
        this.record = recordDir.resolve(LAST);
    }

    String checkpointDir() {
        return child("checkpoints");
    }

    String savepointDir() {
        return child("savepoints");
    }

    private String child(String name) {
        String b = base.toString();
        return (b.endsWith("/") ? b : b + "/") + name;
    }

    /** The newest savepoint or retained checkpoint to resume from, if any. */
    Optional<String> latest() {
        List<Path> candidates = new ArrayList<>();
        if (local != null) {
            collect(local.resolve("savepoints"), 1, candidates);
            collect(local.resolve("checkpoints"), 2, candidates);
        }
        Optional<Path> newest =
                candidates.stream().max(Comparator.comparing(RestorePoints::modified));
        if (newest.isPresent()) {
            return Optional.of(newest.get().getParent().toUri().toString());
        }
        return recorded();
    }

    /** The savepoint the last clean stop recorded. */
    Optional<String> recorded() {
        try {
            if (Files.exists(record)) {
                String s = Files.readString(record, StandardCharsets.UTF_8).strip();
                return s.isEmpty() ? Optional.empty() : Optional.of(s);
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + record, e);
        }
    }

    /**
     * Records a new savepoint and, for a local BASE, deletes every older restore point of the job.
     * Call only when the job is stopped.
     */
    void savedAt(String savepoint) {
        try {
            Files.createDirectories(record.getParent());
            Files.writeString(record, savepoint + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + record, e);
        }
        if (local == null) {
            return;
        }
        Path keep =
                Path.of(
                        URI.create(
                                savepoint.startsWith("file:") ? savepoint : "file:" + savepoint));
        deleteChildren(local.resolve("checkpoints"), null);
        deleteChildren(local.resolve("savepoints"), keep);
    }

    /** Directories {@code depth} levels below {@code root} that hold a {@code _metadata} file. */
    private static void collect(Path root, int depth, List<Path> out) {
        if (!Files.isDirectory(root)) {
            return;
        }
        try (Stream<Path> s = Files.find(root, depth + 1, (p, a) -> a.isRegularFile())) {
            s.filter(p -> p.getFileName().toString().equals(METADATA))
                    .filter(
                            p ->
                                    p.getParent()
                                            .getFileName()
                                            .toString()
                                            .matches("chk-\\d+|savepoint-.*"))
                    .forEach(out::add);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not list " + root, e);
        }
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    private static void deleteChildren(Path dir, Path keep) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path child : s.toList()) {
                if (keep == null || !keep.normalize().startsWith(child.normalize())) {
                    Cleanup.deleteRecursively(child);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not clean " + dir, e);
        }
    }
}

package io.exoclone.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Scratch directories for benchmarks, on the disk of {@code -Dexoclone.bench.dir} (or /tmp). */
final class BenchDirs {
    private BenchDirs() {}

    static Path fresh(String name) {
        Path root =
                Path.of(
                        System.getProperty(
                                "exoclone.bench.dir", System.getProperty("java.io.tmpdir")));
        Path dir = root.resolve("exoclone-bench").resolve(name);
        delete(dir);
        try {
            Files.createDirectories(dir.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

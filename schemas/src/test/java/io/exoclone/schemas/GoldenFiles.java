package io.exoclone.schemas;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;

/** The golden files under test resources: {@code golden/v<N>/<Name>.bin} and {@code .avsc}. */
final class GoldenFiles {
    private GoldenFiles() {}

    /** Every golden version directory, oldest first. */
    static List<Path> versions() {
        try {
            Path root = Path.of(GoldenFiles.class.getResource("/golden").toURI());
            try (Stream<Path> dirs = Files.list(root)) {
                return dirs.filter(Files::isDirectory)
                        .sorted((a, b) -> Integer.compare(versionNumber(a), versionNumber(b)))
                        .toList();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The files of one version ending in {@code suffix}, sorted by name. */
    static List<Path> files(Path version, String suffix) {
        try (Stream<Path> files = Files.list(version)) {
            return files.filter(f -> f.getFileName().toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Schema schema(Path avsc) {
        try {
            return new Schema.Parser().parse(avsc.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] v1(String name) {
        return read(
                versions().stream()
                        .filter(v -> v.getFileName().toString().equals("v1"))
                        .findFirst()
                        .orElseThrow()
                        .resolve(name + ".bin"));
    }

    static String baseName(Path file) {
        String name = file.getFileName().toString();
        return name.substring(0, name.lastIndexOf('.'));
    }

    private static int versionNumber(Path dir) {
        return Integer.parseInt(dir.getFileName().toString().substring(1));
    }
}

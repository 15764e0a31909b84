package io.exoclone.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Writes the golden files of the current schema version: for every event type, one encoded sample
 * ({@code <Name>.bin}) and a copy of its schema ({@code <Name>.avsc}). Not a test: surefire skips
 * it by name, and it refuses to touch a version that already has files, because golden files are
 * never rewritten. After a schema change, bump {@link #VERSION} and run
 *
 * <pre>mvn -B -ntp -pl schemas test -Dtest=GoldenRecordGenerator</pre>
 *
 * then commit the new directory.
 */
class GoldenRecordGenerator {
    static final String VERSION = "v1";

    private static final Path GOLDEN = Path.of("src", "test", "resources", "golden");
    private static final Path AVRO = Path.of("src", "main", "avro");

    @Test
    void writeGoldenFiles() throws IOException {
        Path dir = GOLDEN.resolve(VERSION);
        Files.createDirectories(dir);
        try (var existing = Files.list(dir)) {
            assertThat(existing.toList())
                    .as("Golden files of %s already exist; bump VERSION instead", VERSION)
                    .isEmpty();
        }
        EventCodec codec = new EventCodec();
        for (SampleEvents.Sample sample : SampleEvents.all()) {
            Files.write(dir.resolve(sample.name() + ".bin"), codec.encode(sample.event()));
            Files.copy(AVRO.resolve(sample.name() + ".avsc"), dir.resolve(sample.name() + ".avsc"));
        }
    }
}

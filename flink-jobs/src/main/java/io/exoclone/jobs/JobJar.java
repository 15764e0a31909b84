package io.exoclone.jobs;

import io.exoclone.engine.NotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The job jar submitted to a remote Flink cluster: the shaded {@code *-job.jar} that {@code mvn
 * package} writes to {@code flink-jobs/target/job/} (everything but Flink and the Kafka broker).
 */
public final class JobJar {
    private JobJar() {}

    /** {@code given} if not null, else the jar next to the build output of this module. */
    public static String find(Path given) {
        if (given != null) {
            if (!Files.isRegularFile(given)) {
                throw new NotFoundException("Job jar " + given + " does not exist");
            }
            return given.toAbsolutePath().toString();
        }
        Path dir;
        try {
            Path code =
                    Path.of(
                            AssembleJob.class
                                    .getProtectionDomain()
                                    .getCodeSource()
                                    .getLocation()
                                    .toURI());
            // target/exoclone-flink-jobs-*.jar or target/classes: the job jar is in target/job/.
            dir = code.getParent().resolve("job");
        } catch (Exception e) {
            dir = Path.of("flink-jobs", "target", "job");
        }
        List<Path> found;
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                found = s.filter(p -> p.getFileName().toString().endsWith("-job.jar")).toList();
            } catch (IOException e) {
                throw new UncheckedIOException("Could not list " + dir, e);
            }
        } else {
            found = List.of();
        }
        if (found.size() != 1) {
            throw new NotFoundException(
                    "No single job jar in "
                            + dir.toAbsolutePath()
                            + " (build it with: mvn -DskipTests -pl flink-jobs -am package; or pass --jar FILE)");
        }
        return found.get(0).toString();
    }
}

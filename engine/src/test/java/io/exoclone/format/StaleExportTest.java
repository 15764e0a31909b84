package io.exoclone.format;

import static org.assertj.core.api.Assertions.assertThat;

import io.exoclone.engine.Pool;
import io.exoclone.engine.Snapshot;
import io.exoclone.engine.TestJvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An export killed with SIGKILL leaves its temporary file; the next export into that directory
 * removes it and says so, but never the file of an export that is still running (it holds a lock on
 * it) and never a file that is not an export's temporary file.
 */
class StaleExportTest {
    @TempDir Path tmp;

    /** A process that starts writing an exo-clone into a directory and waits to be killed. */
    public static final class UnfinishedExport {
        public static void main(String[] args) throws Exception {
            ExocloneWriter w = ExocloneWriter.builder(UUID.randomUUID()).open(Path.of(args[0]));
            byte[] data = new byte[64 * 4096];
            new Random(1).nextBytes(data);
            w.addData(0, 64, ByteBuffer.wrap(data), null);
            System.out.println("WRITING");
            System.out.flush();
            Thread.sleep(TimeUnit.MINUTES.toMillis(5));
        }
    }

    private static List<Path> temps(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
        }
    }

    private static void age(Path p) throws Exception {
        Files.setLastModifiedTime(p, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
    }

    @Test
    void theNextExportRemovesWhatAKilledExportLeft() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("out"));
        Process p =
                TestJvm.builder(UnfinishedExport.class.getName(), out.resolve("big.exo").toString())
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
        try (BufferedReader r =
                new BufferedReader(
                        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(r.readLine()).isEqualTo("WRITING");
            Path left = temps(out).get(0);
            age(left);
            Path unrelated = Files.writeString(out.resolve(".notes.tmp"), "mine");
            age(unrelated);

            Snapshot s;
            try (Pool pool = Pool.create(tmp.resolve("pool"))) {
                pool.createVolume("v", 1 << 20).write(0, new byte[] {1, 2, 3});
                s = pool.snapshot("v", "t");
                Exporter.Result running =
                        Exporter.export(
                                pool,
                                s.id(),
                                out.resolve("a.exo"),
                                Compression.NONE,
                                Optional.empty(),
                                null);
                assertThat(running.removedStale()).isEmpty();
                assertThat(left).exists(); // its writer is alive and holds its lock

                p.destroyForcibly(); // SIGKILL: no cleanup runs
                assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
                Exporter.Result next =
                        Exporter.export(
                                pool,
                                s.id(),
                                out.resolve("b.exo"),
                                Compression.NONE,
                                Optional.empty(),
                                null);
                assertThat(next.removedStale()).containsExactly(left);
            }
            assertThat(left).doesNotExist();
            assertThat(unrelated).exists();
            assertThat(temps(out)).containsExactly(unrelated);
        } finally {
            p.destroyForcibly();
        }
    }
}

package io.exoclone.jobs.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.exoclone.cli.Main;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code exoclone demo} in this JVM, with everything it starts (broker, Flink, jobs) for real: a
 * first run and a continued one, each checked against the pools opened independently.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class DemoCommandITCase {
    @TempDir Path tmp;

    record Run(int code, String out, String err) {
        List<String> lines(String prefix) {
            return out.lines().filter(l -> l.startsWith(prefix)).toList();
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    static Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code =
                new Main(
                                new ByteArrayInputStream(new byte[0]),
                                out,
                                new PrintStream(err, true, StandardCharsets.UTF_8),
                                Map.of(),
                                false)
                        .execute(args);
        return new Run(
                code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Run demo(Path work, int snapshots) {
        return cli(
                "demo",
                "--snapshots",
                Integer.toString(snapshots),
                "--work",
                work.toString(),
                "--flink-conf",
                "restart-strategy.type=none",
                // Leave 8081 to people; the fallback to another port is the same code.
                "--flink-conf",
                "rest.bind-port=0");
    }

    /** The demo as a newcomer runs it: the dashboard wants 8081. */
    private Run demoOnDefaultPort(Path work, int snapshots) {
        return cli(
                "demo",
                "--snapshots",
                Integer.toString(snapshots),
                "--work",
                work.toString(),
                "--flink-conf",
                "restart-strategy.type=none");
    }

    @Test
    void demoReplicatesEverySnapshotAndVerifiesThenContinues() throws Exception {
        Path work = tmp.resolve("demo");
        Run first = demo(work, 3);

        assertThat(first.code()).as("%s", first).isZero();
        assertThat(first.out()).as("%s", first).contains("Flink dashboard: http://127.0.0.1:");
        assertThat(first.lines("replicated ")).as("%s", first).hasSize(3);
        assertThat(first.lines("  OK ")).as("%s", first).hasSize(3);
        assertThat(first.lines("  MISMATCH")).isEmpty();
        assertThat(first.out()).contains("Verified: every snapshot of site-a is in site-b");
        // The workload copies data: dedup found it, so fewer bytes were shipped than changed.
        assertThat(first.lines("replicated "))
                .allSatisfy(l -> assertThat(l).containsPattern(" dedup=[1-9][0-9.]*[KM]iB "));
        List<UUID> ids = Replicas.assertEqual(work.resolve("site-a"), work.resolve("site-b"));
        assertThat(ids).hasSize(3);
        for (UUID id : ids) {
            assertThat(first.out()).contains("replicated " + id);
        }

        // Again on the same directory: continues the lineage, resumes the jobs from savepoints.
        // Port 8081 is taken (by this test, or by someone else): the dashboard moves and says so.
        Run second;
        try (ServerSocket busy = occupy(8081)) {
            second = demoOnDefaultPort(work, 1);
        }
        assertThat(second.err())
                .as("%s", second)
                .contains("Port 8081 on 127.0.0.1 is in use; the Flink dashboard uses port ");
        assertThat(second.out()).containsPattern("Flink dashboard: http://127\\.0\\.0\\.1:\\d+");
        assertThat(second.out()).doesNotContain("Flink dashboard: http://127.0.0.1:8081");
        assertThat(second.code()).as("%s", second).isZero();
        assertThat(second.out()).contains("Continuing the demo in");
        assertThat(second.err()).contains("AssembleJob resumes from", "ReplicateJob resumes from");
        assertThat(second.lines("replicated ")).as("only the new snapshot").hasSize(1);
        assertThat(second.lines("  OK ")).as("%s", second).hasSize(4);
        assertThat(Replicas.assertEqual(work.resolve("site-a"), work.resolve("site-b")))
                .hasSize(4)
                .containsAll(ids);
    }

    /** Binds the port on 127.0.0.1, or returns null when someone else holds it already. */
    private static ServerSocket occupy(int port) {
        try {
            return new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"));
        } catch (IOException taken) {
            return null;
        }
    }

    @Test
    void refusesADirectoryThatIsNotADemo() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("precious"));
        Files.writeString(work.resolve("notes.txt"), "mine");

        Run run = demo(work, 1);

        assertThat(run.code()).as("%s", run).isEqualTo(2);
        assertThat(run.err()).contains("is not a demo directory");
        try (var files = Files.list(work)) {
            assertThat(files).containsExactly(work.resolve("notes.txt"));
        }
    }
}

package io.exoclone.jobs.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.exoclone.engine.Pool;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad command lines are refused before any service starts, with the exit codes of the CLI. */
class PipelineCommandsUsageTest {
    @TempDir Path tmp;

    private static DemoCommandITCase.Run cli(String... args) {
        return DemoCommandITCase.cli(args);
    }

    /** {@code 127.0.0.1:PORT} of a port that was just free: nothing answers there. */
    private static String closedAddress() throws java.io.IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "127.0.0.1:" + s.getLocalPort();
        }
    }

    @Test
    void helpNamesTheContractFlags() {
        assertThat(cli("replicate", "--help").out())
                .contains("--from=POOL_A", "--to=POOL_B", "--volume", "--every", "--bootstrap")
                .contains("--flink=HOST:PORT", "--storage=URI", "Ctrl-C");
        assertThat(cli("demo", "--help").out()).contains("--snapshots=N", "--work=DIR");
        assertThat(cli("--help").out()).contains("replicate", "demo");
    }

    @Test
    void upgradeSavepointNamesWhatIsWrongInOneLine() {
        assertThat(cli("assemble", "--help").out()).contains("upgrade-savepoint");
        assertThat(cli("assemble", "upgrade-savepoint", "--help").out())
                .contains("SAVEPOINT", "--to=DIR", "--state-backend");
        DemoCommandITCase.Run missing =
                cli("assemble", "upgrade-savepoint", tmp.resolve("nothing").toString());
        assertThat(missing.code()).as("%s", missing).isEqualTo(3);
        assertThat(missing.err()).startsWith("exoclone: No savepoint or checkpoint at ");
        assertThat(missing.err().strip().lines()).hasSize(1);
        DemoCommandITCase.Run backend =
                cli("assemble", "upgrade-savepoint", tmp.toString(), "--state-backend", "memory");
        assertThat(backend.code()).as("%s", backend).isEqualTo(2);
        assertThat(backend.err()).contains("--state-backend must be heap or rocksdb, got 'memory'");
    }

    @Test
    void badArgumentsAreUsageErrors() throws Exception {
        Path a = tmp.resolve("a");
        Pool.create(a).close();
        DemoCommandITCase.Run same = cli("replicate", "--from", a.toString(), "--to", a + "/.");
        assertThat(same.code()).as("%s", same).isEqualTo(2);
        assertThat(same.err()).contains("same pool");

        DemoCommandITCase.Run bootstrap =
                cli("replicate", "--from", a.toString(), "--to", "b", "--bootstrap", "nohost");
        assertThat(bootstrap.code()).as("%s", bootstrap).isEqualTo(2);
        assertThat(bootstrap.err()).contains("'nohost'");

        DemoCommandITCase.Run every =
                cli("replicate", "--from", a.toString(), "--to", "b", "--every", "soon");
        assertThat(every.code()).as("%s", every).isEqualTo(2);

        assertThat(cli("demo", "--snapshots", "0").code()).isEqualTo(2);
        assertThat(cli("replicate", "--to", "b").code()).as("--from is required").isEqualTo(2);
    }

    @Test
    void missingPoolsAndVolumesAreNotFound() throws Exception {
        Path a = tmp.resolve("a");
        Pool.create(a).close();
        Path b = tmp.resolve("b");
        DemoCommandITCase.Run noPool =
                cli("replicate", "--from", tmp.resolve("nope").toString(), "--to", b.toString());
        assertThat(noPool.code()).as("%s", noPool).isEqualTo(3);

        DemoCommandITCase.Run noVolume =
                cli("replicate", "--from", a.toString(), "--to", b.toString(), "--volume", "vm9");
        assertThat(noVolume.code()).as("%s", noVolume).isEqualTo(3);
        assertThat(Files.exists(b)).as("nothing started, nothing created").isFalse();
    }

    @Test
    void aLockedSourcePoolIsReportedAsLocked() throws Exception {
        Path a = tmp.resolve("a");
        try (Pool held = Pool.create(a)) {
            DemoCommandITCase.Run locked =
                    cli("replicate", "--from", a.toString(), "--to", tmp.resolve("b").toString());
            assertThat(locked.code()).as("%s", locked).isEqualTo(4);
        }
    }

    @Test
    void anUnreachableKafkaIsOneLineAndExitCode8() throws Exception {
        Path a = tmp.resolve("a");
        Pool.create(a).close();
        Path b = tmp.resolve("b");
        String kafka = closedAddress();
        long start = System.nanoTime();
        DemoCommandITCase.Run replicate =
                cli(
                        "replicate",
                        "--from",
                        a.toString(),
                        "--to",
                        b.toString(),
                        "--bootstrap",
                        kafka);
        assertThat(replicate.code()).as("%s", replicate).isEqualTo(8);
        assertThat(replicate.err().strip())
                .as("one line, no stack trace")
                .startsWith("exoclone: Kafka is not reachable at " + kafka)
                .doesNotContain("\n", "\tat ");
        assertThat(Files.exists(b)).as("nothing started, nothing created").isFalse();
        DemoCommandITCase.Run assemble =
                cli("assemble", "--bootstrap", kafka, "--to", tmp.resolve("x").toUri().toString());
        assertThat(assemble.code()).as("%s", assemble).isEqualTo(8);
        assertThat(assemble.err()).contains("Kafka is not reachable at " + kafka);
        DemoCommandITCase.Run apply = cli("--pool", a.toString(), "apply", "--bootstrap", kafka);
        assertThat(apply.code()).as("%s", apply).isEqualTo(8);
        assertThat(apply.err()).contains("Kafka is not reachable at " + kafka);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(60));
    }

    @Test
    void anUnreachableFlinkClusterIsOneLineAndExitCode8() throws Exception {
        Path a = tmp.resolve("a");
        Pool.create(a).close();
        Path b = tmp.resolve("b");
        String flink = closedAddress();
        long start = System.nanoTime();
        DemoCommandITCase.Run replicate =
                cli(
                        "replicate",
                        "--from",
                        a.toString(),
                        "--to",
                        b.toString(),
                        "--bootstrap",
                        "127.0.0.1:1",
                        "--flink",
                        flink);
        assertThat(replicate.code()).as("%s", replicate).isEqualTo(8);
        assertThat(replicate.err().strip())
                .as("one line, no stack trace")
                .startsWith("exoclone: Flink is not reachable at " + flink)
                .doesNotContain("\n", "\tat ");
        assertThat(Files.exists(b)).as("nothing started, nothing created").isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));

        DemoCommandITCase.Run assemble =
                cli(
                        "assemble",
                        "--bootstrap",
                        "127.0.0.1:1",
                        "--to",
                        "file:///x",
                        "--flink",
                        flink);
        assertThat(assemble.code()).as("%s", assemble).isEqualTo(8);
        assertThat(assemble.err()).contains("Flink is not reachable at " + flink);
        DemoCommandITCase.Run apply =
                cli(
                        "--pool",
                        a.toString(),
                        "apply",
                        "--bootstrap",
                        "127.0.0.1:1",
                        "--flink",
                        flink);
        assertThat(apply.code()).as("%s", apply).isEqualTo(8);
        assertThat(apply.err()).contains("Flink is not reachable at " + flink);
        assertThat(
                        cli(
                                        "--pool",
                                        a.toString(),
                                        "apply",
                                        "--bootstrap",
                                        "x:1",
                                        "--flink",
                                        "8081")
                                .code())
                .isEqualTo(2);
    }
}

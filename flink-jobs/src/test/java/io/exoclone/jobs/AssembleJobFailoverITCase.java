package io.exoclone.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.exoclone.jobs.assemble.SnapshotAssembler;
import io.exoclone.testutils.EmbeddedKafka;
import io.exoclone.testutils.LocalFlinkCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job fails in the middle of a snapshot, after a checkpoint inside that snapshot completed (its
 * in-progress file is half-written and recorded), and restores from that checkpoint: the file is
 * resumed, and every snapshot still becomes exactly one file, published once, that imports, with no
 * in-progress file or part left behind.
 */
class AssembleJobFailoverITCase {
    @RegisterExtension static final EmbeddedKafka KAFKA = new EmbeddedKafka();

    @RegisterExtension
    static final LocalFlinkCluster FLINK =
            LocalFlinkCluster.builder().taskSlots(2).configuration(restarts()).build();

    @TempDir Path tmp;

    private static Configuration restarts() {
        Configuration c = new Configuration();
        c.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(1));
        return c;
    }

    @Test
    void failureMidSnapshotStillGivesOneFilePerSnapshot() throws Exception {
        Path target = Files.createDirectories(tmp.resolve("exoclones"));
        var accumulators =
                EndToEnd.run(
                        KAFKA,
                        FLINK,
                        target.toUri(),
                        java.util.Map.of(),
                        "failover-",
                        tmp,
                        decoded ->
                                decoded.map(new FailOnce("b", 8, 100))
                                        .name("fail-once")
                                        .uid("test-fail-once"),
                        true);
        assertThat(FailOnce.INJECTED.get()).as("injected failures").isPositive();
        assertThat((Long) accumulators.get(SnapshotAssembler.FILES_RESUMED))
                .as("in-progress files resumed after the restore")
                .isPositive();
        // Accumulators reach the client reliably here (a running job's may not have arrived yet
        // when the other end-to-end tests read them), so the reorder bound is checked here.
        assertThat((Long) accumulators.get(SnapshotAssembler.REORDER_PEAK_CHUNKS))
                .as("reorder buffer peak (chunks), bounded by channel skew")
                .isNotNull()
                .isLessThan(64);
    }
}

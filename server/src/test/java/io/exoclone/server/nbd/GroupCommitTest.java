package io.exoclone.server.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import io.exoclone.engine.Pool;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupCommitTest {
    @TempDir Path tmp;

    @Test
    void requestsMadeDuringACommitShareTheNext() throws Exception {
        Path dir = tmp.resolve("p");
        try (Pool pool = Pool.create(dir)) {
            pool.createVolume("vm1", 1 << 20);
            Exports exports = new Exports(pool);
            Export vm1 = exports.resolve("vm1");
            long generation = pool.generation();
            CompletableFuture<?>[] done = new CompletableFuture<?>[10];
            try (GroupCommit commits = new GroupCommit(exports)) {
                synchronized (pool) { // the commit thread waits for the pool meanwhile
                    for (int i = 0; i < done.length; i++) {
                        vm1.write(i * 4096L, new byte[] {(byte) (i + 1)}, 1);
                        CompletableFuture<RuntimeException> f = new CompletableFuture<>();
                        commits.submit(f::complete);
                        done[i] = f;
                        Thread.sleep(5);
                    }
                }
                for (CompletableFuture<?> f : done) {
                    assertThat(f.get(10, TimeUnit.SECONDS)).isNull(); // success
                }
                long[] stats = commits.stats();
                assertThat(stats[1]).isEqualTo(10);
                assertThat(stats[0]).isBetween(1L, 2L);
            }
            assertThat(pool.generation()).isGreaterThan(generation);
            assertThat(vm1.losses()).isZero();
        }
        try (Pool again = Pool.open(dir)) {
            assertThat(again.volume("vm1").read(9 * 4096L, 1)).containsExactly(10);
        }
    }

    @Test
    void afterCloseRequestsFailAtOnce() throws Exception {
        try (Pool pool = Pool.create(tmp.resolve("p"))) {
            GroupCommit commits = new GroupCommit(new Exports(pool));
            commits.close();
            CompletableFuture<RuntimeException> f = new CompletableFuture<>();
            commits.submit(f::complete);
            assertThat(f.get(1, TimeUnit.SECONDS)).hasMessageContaining("stopped");
        }
    }
}

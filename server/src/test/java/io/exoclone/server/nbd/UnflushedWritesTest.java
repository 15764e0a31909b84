package io.exoclone.server.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UnflushedWritesTest {
    @Test
    void aResetBetweenAWriteAndTheCommitIsALoss() {
        UnflushedWrites u = new UnflushedWrites();
        u.noteWrite(0);
        u.noteWrite(0);
        u.committed(0); // durable
        assertThat(u.losses()).isZero();
        u.noteWrite(0);
        u.committed(1); // the pool reset after the write
        assertThat(u.losses()).isEqualTo(1);
        u.committed(2); // nothing unflushed: nothing lost
        assertThat(u.losses()).isEqualTo(1);
    }

    @Test
    void theOldestUnflushedWriteCounts() {
        UnflushedWrites u = new UnflushedWrites();
        u.noteWrite(3);
        u.noteWrite(4); // written after a reset, but the one at 3 was lost by it
        u.committed(4);
        assertThat(u.losses()).isEqualTo(1);
    }
}

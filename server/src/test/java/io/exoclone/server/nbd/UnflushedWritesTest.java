package io.exoclone.server.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UnflushedWritesTest {
    @Test
    void aResetBetweenAWriteAndTheCommitIsALoss() {
        UnflushedWrites u = new UnflushedWrites();
        u.noteWrite(0);
        u.noteWrite(0);
        u.beginCommit();
        u.committed(0); // durable
        assertThat(u.losses()).isZero();
        u.noteWrite(0);
        u.beginCommit();
        u.committed(1); // the pool reset after the write
        assertThat(u.losses()).isEqualTo(1);
        u.beginCommit();
        u.committed(2); // nothing unflushed: nothing lost
        assertThat(u.losses()).isEqualTo(1);
    }

    @Test
    void aWriteAfterTheCommitBeganIsLeftForTheNext() {
        UnflushedWrites u = new UnflushedWrites();
        u.noteWrite(0);
        u.beginCommit();
        u.noteWrite(0); // may have missed the commit's freeze
        u.committed(0);
        assertThat(u.losses()).isZero();
        u.beginCommit();
        u.committed(1); // a reset lost it
        assertThat(u.losses()).isEqualTo(1);
    }

    @Test
    void writesOfAFailedCommitCountAtTheNext() {
        UnflushedWrites u = new UnflushedWrites();
        u.noteWrite(0);
        u.beginCommit(); // the commit fails: no committed() call; the pool reset to 1
        u.noteWrite(1);
        u.beginCommit();
        u.committed(1);
        assertThat(u.losses()).isEqualTo(1);
    }

    @Test
    void theOldestUnflushedWriteCounts() {
        UnflushedWrites u = new UnflushedWrites();
        u.noteWrite(3);
        u.noteWrite(4); // written after a reset, but the one at 3 was lost by it
        u.beginCommit();
        u.committed(4);
        assertThat(u.losses()).isEqualTo(1);
    }
}

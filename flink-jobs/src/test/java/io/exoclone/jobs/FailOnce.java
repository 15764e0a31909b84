package io.exoclone.jobs;

import io.exoclone.jobs.assemble.FeedEvent;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.functions.RichMapFunction;

/**
 * Fault injector: on the first attempt of its task, throws at NodeChange {@code sequence} of the
 * first child snapshot (one with a parent) it sees, that is in the middle of a snapshot.
 */
final class FailOnce extends RichMapFunction<FeedEvent, FeedEvent> {
    private static final long serialVersionUID = 1L;

    /** How many failures were injected in this JVM (the MiniCluster runs in it). */
    static final AtomicInteger INJECTED = new AtomicInteger();

    private final long sequence;

    FailOnce(long sequence) {
        this.sequence = sequence;
    }

    @Override
    public FeedEvent map(FeedEvent e) {
        if (getRuntimeContext().getTaskInfo().getAttemptNumber() == 0
                && !e.isSeal()
                && e.parentId != null
                && e.sequence == sequence) {
            INJECTED.incrementAndGet();
            throw new IllegalStateException(
                    "Injected failure at record " + e.sequence + " of snapshot " + e.snapshotId);
        }
        return e;
    }
}

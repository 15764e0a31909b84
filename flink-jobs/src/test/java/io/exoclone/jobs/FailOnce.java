package io.exoclone.jobs;

import io.exoclone.jobs.assemble.FeedEvent;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;

/**
 * Fault injector: on the first attempt of its task, slows down the NodeChange records of the first
 * snapshot of volume {@code volumeName} (one record every {@code delayMs}) and throws at the first
 * of its records after a checkpoint that fell inside the snapshot (after at least {@code
 * minSequence} of its records) has completed: the assembler's file of that snapshot is then
 * half-written and recorded in a completed checkpoint, and the restore must resume it.
 */
final class FailOnce extends RichMapFunction<FeedEvent, FeedEvent>
        implements CheckpointedFunction, CheckpointListener {
    private static final long serialVersionUID = 1L;

    /** How many failures were injected in this JVM (the MiniCluster runs in it). */
    static final AtomicInteger INJECTED = new AtomicInteger();

    private final String volumeName;
    private final long minSequence;
    private final long delayMs;

    private transient String target;
    private transient long seen;

    /** The first checkpoint taken inside the snapshot (ids start at 1; 0 = none yet). */
    private transient long insideCheckpoint;

    private transient boolean completedInside;

    FailOnce(String volumeName, long minSequence, long delayMs) {
        this.volumeName = volumeName;
        this.minSequence = minSequence;
        this.delayMs = delayMs;
    }

    @Override
    public FeedEvent map(FeedEvent e) throws InterruptedException {
        if (getRuntimeContext().getTaskInfo().getAttemptNumber() != 0
                || e.isSeal()
                || !volumeName.equals(e.volumeName)) {
            return e;
        }
        if (target == null && e.parentId == null) {
            target = e.snapshotId;
        }
        if (!e.snapshotId.equals(target)) {
            return e;
        }
        if (completedInside) {
            INJECTED.incrementAndGet();
            throw new IllegalStateException(
                    "Injected failure at record "
                            + e.sequence
                            + " of snapshot "
                            + e.snapshotId
                            + ", after checkpoint "
                            + insideCheckpoint
                            + " inside it");
        }
        seen++;
        Thread.sleep(delayMs);
        return e;
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {
        if (insideCheckpoint == 0 && seen >= minSequence && target != null) {
            insideCheckpoint = context.getCheckpointId();
        }
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        if (insideCheckpoint > 0 && checkpointId >= insideCheckpoint) {
            completedInside = true;
        }
    }

    @Override
    public void initializeState(FunctionInitializationContext context) {}
}
